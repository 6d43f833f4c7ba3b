"""Review tags: the project's own tag model, slugged by its one slug rule."""

from django.db import models
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.web.links import page_url

from .reviews import Review


class TagQuerySet(models.QuerySet):
    def in_use(self):
        """Tags on at least one public review: the only ones with a public page."""
        return self.filter(
            pk__in=TaggedReview.objects.filter(
                content_object__in=Review.objects.published()
            ).values("tag_id")
        )


class Tag(TagBase):
    """A review tag, slugged by the project's one slug rule."""

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = slug_for(tag)
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return page_url("reviews:tag_detail", slug=self.slug)


class TaggedReview(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_reviews")
    content_object = models.ForeignKey(
        "Review", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_review_unique"),
        ]
        # A tag's newest links first (Up Next), without reading other tags'.
        indexes = [models.Index(fields=["tag", "-content_object"], name="tagged_review_by_tag")]
