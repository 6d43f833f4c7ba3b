import functools

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from kdrama_rewind.caching.pages import do_not_keep, remembered


class RememberedCountPaginator(Paginator):
    """Counts once until content changes: counting every public review of a
    large archive is a scan. ``count_key`` names the list being counted."""

    def __init__(self, *args, count_key: str, depends=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key, self.depends = count_key, depends

    @cached_property
    def count(self) -> int:
        count = functools.partial(Paginator.count.func, self)
        return remembered(f"count:{self.count_key}", count, depends=self.depends)


class ForgivingPaginationMixin:
    """List pages paginate with ``Paginator.get_page``: a missing, malformed or
    out-of-range ``?page=`` shows the nearest real page instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = RememberedCountPaginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
            count_key=self.count_key(),
            depends=self.list_keys() if hasattr(self, "list_keys") else (),
        )
        asked = self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(asked)
        if asked is not None and asked != str(page.number):
            # ?page=999999 or ?page=01 shows a real page, but is not kept
            # under its own address: made-up numbers cannot fill the cache.
            do_not_keep(self.request)
        return paginator, page, page.object_list, page.has_other_pages()

    def count_key(self) -> str:
        """What the list depends on: the address and its filters, not the page."""
        filters = sorted((k, v) for k, v in self.request.GET.items() if k != self.page_kwarg)
        return f"{self.request.path}?{filters}"
