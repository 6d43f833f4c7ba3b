import functools
import math
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.managers import TaggableManager

from kdrama_rewind.data.constraints import ChecksInOneQuery, image_has_alt, not_blank
from kdrama_rewind.data.slugs import AutoSlugMixin
from kdrama_rewind.data.statements import Loaded
from kdrama_rewind.data.text import PlainTextMixin
from kdrama_rewind.media.images import RenditionImageField
from kdrama_rewind.web.links import page_url
from people.models import IMAGE_ALT_REQUIRED, Author, Person
from reviews.cards import STORED_CARD_FIELDS
from reviews.status import (
    APPROVED_STATUSES,
    STATUS_VALUES,
    State,
    Status,
    approved_q,
    is_live,
    live_q,
    state_of,
    state_q,
)

from .counts import live_reviews
from .dramas import Drama, Quote

# The shapes pages crop a hero image to, around its focal point: the review's
# own page (16:9) and cards on a phone (square). The social card has its own.
HERO_CROPS = {"wide": (16, 9), "square": (1, 1)}

# What a list of reviews never shows: deferred by ``for_cards``.
LONG_TEXTS = (
    "body",
    "search_text",
    "body_html",
    "placed_quotes",
    "page_facts",
    "name_checks_dismissed",
)

# What a review card shows (the ``{% review_card %}`` tag, the front page's
# lead story): ``cards()`` loads these alone.
CARD_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "hero_image",
    "hero_width",
    "hero_height",
    "hero_focus_x",
    "hero_focus_y",
    "hero_alt",
    "published_at",
    "author__name",
    "author__slug",
    "column__name",
    "column__slug",
    # Stored when the review is saved (``reviews.cards``): a list reads them
    # rather than drawing each card; the fields above draw one without.
    *STORED_CARD_FIELDS,
)

# The status half of ReviewQuerySet.published, for partial indexes.
APPROVED = approved_q()


class ReviewQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one definition of “public”: approved to go out (published or
        scheduled) and its publish time has come. Every public surface uses it.
        ``at`` is now unless given (a kept statement's slot for the time,
        ``kdrama_rewind.data.statements``)."""
        return self.filter(live_q(timezone.now() if at is None else at))

    def live_count(self) -> int:
        """How many reviews are live now: ``published().count()`` of every
        review, without counting the archive on PostgreSQL (``counts``)."""
        if self.query.has_filters():
            raise TypeError("live_count() counts every live review: call it on Review.objects")
        return live_reviews(self.model, self.db)

    def approved(self):
        """Live now or going live by itself at its time: what readers see or
        will see without an editor doing anything more."""
        return self.filter(APPROVED)

    def upcoming(self, at=None):
        """Approved reviews whose publish time is still ahead (of ``at``, a
        kept statement's slot, as for ``published()``)."""
        return self.filter(state_q(State.SCHEDULED, timezone.now() if at is None else at))

    def next_publish_at(self) -> datetime | None:
        """When the next of these approved reviews goes live by itself."""
        return (
            self.upcoming().order_by("published_at").values_list("published_at", flat=True).first()
        )

    def in_state(self, state: str):
        """Reviews in one of the states editors filter by (see ``reviews.status``)."""
        return self.filter(state_q(state, timezone.now()))

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def for_cards(self):
        """What a review card shows: the byline and column, in one query,
        without the long texts a card never shows."""
        return self.select_related("author", "column").defer(*LONG_TEXTS).newest_first()

    def cards(self, *, known: str | None = None):
        """Only what a card shows (``CARD_FIELDS``), newest first: for pages
        that list reviews as cards and show nothing else of them. ``known``
        ("author" or "column") is the relation the related manager these
        reviews come from sets on each (``column.reviews``): not joined again."""
        joined = [name for name in ("author", "column") if name != known]
        fields = [name for name in CARD_FIELDS if name.split("__")[0] != known]
        if known:
            fields.append(known)
        return self.select_related(*joined).only(*fields).newest_first()


class Review(PlainTextMixin, AutoSlugMixin, ChecksInOneQuery, models.Model):
    Status = Status
    APPROVED_STATUSES = APPROVED_STATUSES
    slug_source = "title"
    # Over thirty thousand words; the admin posts a body this long, in any
    # script, well inside the request size it accepts.
    BODY_MAX_LENGTH = 200_000

    title = models.CharField(
        "headline", max_length=300, help_text="The headline readers see at the top of the page."
    )
    slug = models.SlugField(
        max_length=300,
        unique=True,
        allow_unicode=True,
        help_text="The end of the review’s address, e.g. /reviews/run-on-rewatched/. "
        "Renaming a published review keeps its old address working: readers are sent on.",
    )
    standfirst = models.TextField(
        max_length=600, blank=True, help_text="One or two sentences under the headline."
    )
    body = models.TextField(
        help_text="Markdown: blank lines between paragraphs, *italics*, **bold**, "
        "[links](https://…), > quotes, ## subheadings."
    )
    hero_image = RenditionImageField(
        upload_to="reviews/%Y/%m/",
        blank=True,
        width_field="hero_width",
        height_field="hero_height",
        crops=HERO_CROPS,
        focus_fields=("hero_focus_x", "hero_focus_y"),
        help_text="JPEG, PNG or WebP, at least 1200 pixels wide for sharp pages.",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_focus_x = models.PositiveSmallIntegerField(
        "focal point across (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Where the point of interest is, from the left edge (0) to the right (100). "
        "The page's crops of the image (wide, square, the social card) keep it in frame.",
    )
    hero_focus_y = models.PositiveSmallIntegerField(
        "focal point down (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="From the top edge (0) to the bottom (100).",
    )
    hero_alt = models.CharField(
        "hero alt text", max_length=300, blank=True, help_text=IMAGE_ALT_REQUIRED
    )
    hero_caption = models.CharField(max_length=500, blank=True)
    hero_credit = models.CharField(
        max_length=200, blank=True, help_text="Who took or owns the image, e.g. “Photo: JTBC”."
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="reviews")
    column = models.ForeignKey(
        "Column", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    dramas = models.ManyToManyField(Drama, blank=True, related_name="reviews")
    featured_people = models.ManyToManyField(
        Person, blank=True, related_name="reviews", help_text="People the review writes about."
    )
    quotes = models.ManyToManyField(
        Quote, blank=True, related_name="reviews", verbose_name="pull quotes"
    )
    up_next_picks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="picked_by",
        verbose_name="pinned “Up Next” picks",
        help_text="Shown first under “Up Next” (only once they are published).",
    )
    tags = TaggableManager(through="TaggedReview", blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When the review goes public. A future time schedules it.",
    )
    updated_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="Set for a real update or correction; readers see it as “Last updated”.",
    )
    taken_down_at = models.DateTimeField(
        "taken down",
        null=True,
        blank=True,
        editable=False,
        help_text="When a live review was last unpublished; cleared when it is approved again.",
    )
    submitted_at = models.DateTimeField(
        "sent for review",
        null=True,
        blank=True,
        editable=False,
        help_text="When the review was last sent for review: how long it has waited for an editor.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts saved changes; only the editing service moves it, and only forward. "
        "A form opened at an older version is refused as a conflict.",
    )
    name_checks_dismissed = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Spellings an editor confirmed as intended: each is a field, the text as "
        "written and how many times it was there when confirmed.",
    )
    search_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The body as plain text without its spoilers: what search reads and quotes. "
        "Filled on save.",
    )
    body_html = models.TextField(
        "body as readers see it",
        blank=True,
        default="",
        editable=False,
        help_text="The body rendered, sanitized, with its first mentions linked and its pull "
        "quotes placed. Filled on save (reviews.services.derived).",
    )
    placed_quotes = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The pull quotes the body places itself; the page shows the rest after it.",
    )
    word_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Words in the body, for the reading time."
    )
    page_facts = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="What the page shows of the review's dramas, featured people, tags, pull "
        "quotes and corrections, as they were when it or one of them was last saved "
        "(reviews.page_facts).",
    )
    card_html = models.TextField(
        "card",
        blank=True,
        default="",
        editable=False,
        help_text="The review as a card in a list, with its column's name (reviews.cards). "
        "Filled on save.",
    )
    card_html_in_column = models.TextField(
        "card in its column's list",
        blank=True,
        default="",
        editable=False,
        help_text="The card in its column's own list (reviews.cards). Filled on save.",
    )
    card_drawn_from = models.CharField(
        "what the cards were drawn from",
        max_length=32,
        blank=True,
        default="",
        editable=False,
        help_text="A digest of what the stored cards show: a list draws a card afresh where "
        "the review's no longer gives it (reviews.cards.drawn_from).",
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_review", "Can approve, publish and unpublish reviews"),
            ("schedule_review", "Can schedule reviews and plan the column calendar"),
            ("edit_any_review", "Can edit any review, not only their own drafts"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="review_status_published_idx"),
            # Public lists read the newest live reviews in order from partial
            # indexes, whatever the size of the archive.
            models.Index(
                fields=["-published_at", "-id"], condition=APPROVED, name="review_live_newest"
            ),
            # The admin's list of every review, newest first (its default
            # order): read from here instead of sorting the archive.
            models.Index(fields=["-published_at", "-id"], name="review_newest"),
            # The sitemap index dates the reviews by the newest change to a
            # live one (``last_updated``): read from here, not from every row.
            models.Index(
                Coalesce("updated_at", "published_at").desc(),
                condition=APPROVED,
                name="review_live_lastmod",
            ),
            models.Index(
                fields=["column", "-published_at", "-id"],
                condition=APPROVED,
                name="review_live_column",
            ),
            models.Index(
                fields=["author", "-published_at", "-id"],
                condition=APPROVED,
                name="review_live_author",
            ),
            # The dashboard's lists of work in progress, oldest first, read a
            # few rows from these however large the archive.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status=Status.REVIEW),
                name="review_waiting_idx",
            ),
            models.Index(
                fields=["modified_at", "id"],
                condition=Q(status=Status.DRAFT),
                name="review_draft_touched_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=STATUS_VALUES),
                name="review_status_valid",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=~APPROVED | Q(published_at__isnull=False),
                name="review_live_has_publish_time",
                violation_error_message="A scheduled or published review needs a publish time.",
            ),
            models.CheckConstraint(
                condition=Q(updated_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(updated_at__gte=models.F("published_at")),
                name="review_updated_after_published",
                violation_error_message="“Last updated” cannot be before the publish time.",
            ),
            not_blank("title", "A headline is required."),
            not_blank("slug"),
            models.CheckConstraint(
                condition=Q(hero_focus_x__lte=100, hero_focus_y__lte=100),
                name="review_hero_focus_in_image",
                violation_error_message="The focal point must lie in the image (0 to 100%%).",
            ),
            image_has_alt("hero", image="hero_image", describing="the hero image"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "modified_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_url("reviews:review_detail", slug=self.slug)

    def clean(self):
        # Browsers send textarea line breaks as CRLF; keep bodies in one form.
        self.body = self.body.replace("\r\n", "\n")
        if len(self.body) > self.BODY_MAX_LENGTH:
            raise ValidationError(
                {
                    "body": ValidationError(
                        "The body has %(length)s characters; a review may have at most %(limit)s.",
                        code="body_too_long",
                        params={
                            "length": f"{len(self.body):,}",
                            "limit": f"{self.BODY_MAX_LENGTH:,}",
                        },
                    )
                }
            )

    def is_published(self) -> bool:
        """Agrees with ``Review.objects.published()``."""
        return is_live(self.status, self.published_at, timezone.now())

    @property
    def is_approved(self) -> bool:
        """Agrees with ``Review.objects.approved()``."""
        return self.status in APPROVED_STATUSES

    @property
    def state(self) -> State:
        """Where the review stands, as an editor thinks of it; agrees with
        ``Review.objects.in_state()``."""
        return state_of(self.status, self.published_at, self.taken_down_at, timezone.now())

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def last_updated(self):
        """What readers see as “Last updated”: the update time, else the publish time."""
        return self.updated_at or self.published_at

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / settings.READING_WORDS_PER_MINUTE))


@functools.cache
def card_columns() -> Loaded:
    """What ``cards()`` reads, as the columns a kept statement reads and makes
    into the same reviews (``kdrama_rewind.data.statements``)."""
    return Loaded.of(Review.objects.cards())
