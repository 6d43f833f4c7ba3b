class ForgivingPaginationMixin:
    """List pages paginate with ``Paginator.get_page``: a missing, malformed or
    out-of-range ``?page=`` shows the nearest real page instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
