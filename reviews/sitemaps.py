from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery

from .models import Column, Drama, Review, Tag


class ReviewSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Review.objects.published().only("slug", "published_at", "updated_at").newest_first()

    def lastmod(self, review):
        return review.last_updated


class DramaSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Drama.objects.only("slug").order_by("pk")


class ColumnSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
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
        return Tag.objects.in_use().order_by("pk")
