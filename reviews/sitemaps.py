from datetime import timedelta

from django.contrib.flatpages.models import FlatPage
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kdrama_rewind.caching.dependencies import depends_on
from kdrama_rewind.web.pagination import RememberedCountPaginator
from kdrama_rewind.web.sitemaps import DatedSitemap

from .models import Character, Column, Drama, Review, Tag, TaggedReview


class ReviewSitemap(DatedSitemap):
    changefreq = "weekly"
    limit = 5000
    dated_by = Coalesce("updated_at", "published_at")  # Review.last_updated

    def items(self):
        depends_on("list:reviews")
        return Review.objects.published().only("slug", "published_at", "updated_at").newest_first()

    def lastmod(self, review):
        return review.last_updated

    @property
    def paginator(self):
        """Counted as the lists count the live reviews (``live_count``, kept
        on PostgreSQL: counting them read the archive, 14 ms at 100,000),
        and a deep page found by its ids first, as the lists find theirs."""
        return RememberedCountPaginator(
            self._items(),
            self.limit,
            count_key="sitemap:reviews",
            depends=["list:reviews"],
            counted=Review.objects.live_count,
        )


class DramaSitemap(DatedSitemap):
    changefreq = "monthly"
    limit = 5000
    dated_by = "modified_at"

    def items(self):
        depends_on("list:dramas")
        return Drama.objects.only("slug", "modified_at").order_by("pk")

    def lastmod(self, drama):
        return drama.modified_at


class CharacterSitemap(DatedSitemap):
    """Characters' pages, dated by their drama's last change (a character
    is edited with its drama)."""

    changefreq = "monthly"
    limit = 5000
    dated_by = "drama__modified_at"
    dated_in = Drama

    def items(self):
        depends_on("list:characters")
        return (
            Character.objects.select_related("drama")
            .only("name", "drama__slug", "drama__modified_at")
            .order_by("pk")
        )

    def lastmod(self, character):
        return character.drama.modified_at


class ColumnSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        depends_on("list:columns", "list:reviews")
        latest = Review.objects.published().filter(column=OuterRef("pk")).newest_first()
        return Column.objects.annotate(
            last_published=Subquery(latest.values("published_at")[:1])
        ).order_by("pk")

    def lastmod(self, column):
        return column.last_published


class TagSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        depends_on("list:tags", "list:reviews")
        latest = Review.objects.published().filter(tags=OuterRef("pk")).newest_first()
        return (
            Tag.objects.in_use()
            .annotate(last_published=Subquery(latest.values("published_at")[:1]))
            .order_by("pk")
        )

    def lastmod(self, tag):
        return tag.last_published

    def get_latest_lastmod(self):
        """The newest public review on any tag: the newest of the tags' dates."""
        tagged = TaggedReview.objects.filter(content_object=OuterRef("pk"))
        newest = Review.objects.published().filter(Exists(tagged)).newest_first()
        return newest.values_list("published_at", flat=True).first()


class PageSitemap(Sitemap):
    """The flat pages readers can open (about, contact, policies)."""

    changefreq = "yearly"

    def items(self):
        depends_on("list:pages")
        return FlatPage.objects.filter(registration_required=False).only("url").order_by("url")

    def location(self, page):
        return page.url


NEWS_DAYS = 2


def news_items():
    """Reviews published in the last two days, for the Google News sitemap."""
    depends_on("list:reviews")
    since = timezone.now() - timedelta(days=NEWS_DAYS)
    return Review.objects.published().filter(published_at__gte=since).newest_first()[:1000]
