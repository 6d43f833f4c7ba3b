"""Review tags: the project's own tag model, slugged by its one slug rule."""

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.data.text import PlainTextMixin
from kdrama_rewind.web.links import page_url

from ..status import live_q


class TagQuerySet(models.QuerySet):
    def in_use(self):
        """Tags on at least one public review: the only ones with a public page.

        On PostgreSQL, a tag is in use once the earliest publish time of
        its approved reviews has come: a time PostgreSQL keeps for each tag
        (migration reviews 0027), so the 575 tags in use of 100,000 reviews
        are counted from a table of their own, where looking for a public
        review tag by tag took 4–10 ms. Elsewhere, tag by tag
        (``on_a_public_review``)."""
        now = timezone.now()
        if connections[self.db].vendor != "postgresql":
            return self.on_a_public_review(now)
        live_from = "SELECT tag_id FROM reviews_tag_live_from WHERE live_from <= %s"
        return self.filter(pk__in=RawSQL(live_from, (now,)))

    def on_a_public_review(self, now):
        """Tags on at least one review public at ``now``, looked for tag by
        tag: what ``in_use`` keeps on PostgreSQL.

        Asked tag by tag for one public review it is on: as ``pk__in`` (or
        ``Exists``) PostgreSQL joined every tagging to every public review,
        and counting the tags in use took 100 ms at 100,000 reviews; a
        subquery with a limit stays a lookup per tag (4 ms)."""
        tagged = TaggedReview.objects.filter(
            live_q(now, prefix="content_object__"), tag=OuterRef("pk")
        )
        one = Subquery(tagged.order_by().values("pk")[:1])
        return self.alias(a_public_review=one).filter(a_public_review__isnull=False)


class Tag(PlainTextMixin, TagBase):
    """A review tag, slugged by the project's one slug rule."""

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = slug_for(tag) or "tag"  # a name with no letter or digit is refused since
        return f"{slug}-{i}" if i is not None else slug

    def clean(self):
        if problems := tag_name_problems([self.name]):
            raise ValidationError({"name": problems})

    def get_absolute_url(self):
        return page_url("reviews:tag_detail", slug=self.slug)


def tag_name_problems(names) -> list[str]:
    """Why each of ``names`` that cannot be a tag's name cannot be."""
    limit = Tag._meta.get_field("name").max_length
    problems = []
    for name in names:
        if len(name) > limit:
            problems.append(f"“{name[:40]}…” is longer than a tag can be ({limit} characters).")
        elif not slug_for(name):
            problems.append(f"“{name}” needs a letter or a digit: a tag's name makes its address.")
    return problems


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
