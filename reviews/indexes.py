"""Index pages: every public review, every column, every tag in use.

Each is a paginated list, cached like the site's other lists: the page as a
whole for anonymous readers, the list as a fragment, the count remembered
until anything changes (``ForgivingPaginationMixin``).
"""

from django.views.generic import ListView

from kdrama_rewind.caching.pages import PublicFragmentsMixin
from kdrama_rewind.web.pagination import ForgivingPaginationMixin

from .models import Column, Review, Tag


class ReviewIndexView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """Every public review, newest first."""

    template_name = "reviews/review_list.html"
    context_object_name = "reviews"
    paginate_by = 24

    def list_keys(self):
        return ["list:reviews"]

    def get_queryset(self):
        return Review.objects.published().cards()

    def list_count(self) -> int:
        return Review.objects.live_count()


class ColumnIndexView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """Every column, A–Z."""

    template_name = "reviews/column_list.html"
    context_object_name = "columns"
    paginate_by = 50
    queryset = Column.objects.only("name", "slug", "description").order_by("name", "pk")

    def list_keys(self):
        return ["list:columns"]


class TagIndexView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """Every tag on a public review, A–Z: the tags that have a page."""

    template_name = "reviews/tag_list.html"
    context_object_name = "tags"
    paginate_by = 120

    def list_keys(self):
        return ["list:tags"]

    def get_queryset(self):
        return Tag.objects.in_use().only("name", "slug").order_by("name", "pk")
