"""The newsroom's conversation around a review: editorial comments, the
note an editor sends a review back with, and who is told when work moves.

None of it is ever public: no reader's page, feed, sitemap, search, export
or preview link reads these tables. Comments are shown to the staff who may
discuss the review (``permissions.can_discuss``) beside its form and on its
History page, each with the version of the review it was made on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from kdrama_rewind.data.text import PlainTextMixin

from .reviews import Review
from .workflow import Revision


class Anchor(models.TextChoices):
    """The parts of the review form a comment can be about."""

    TITLE = "title", "Headline"
    SLUG = "slug", "Slug"
    STANDFIRST = "standfirst", "Standfirst"
    BODY = "body", "Body"
    HERO_IMAGE = "hero_image", "Hero image"
    HERO_ALT = "hero_alt", "Hero alt text"
    HERO_CAPTION = "hero_caption", "Hero caption"
    HERO_CREDIT = "hero_credit", "Hero credit"
    DRAMAS = "dramas", "Dramas"
    FEATURED_PEOPLE = "featured_people", "Featured people"
    QUOTES = "quotes", "Pull quotes"
    TAGS = "tags", "Tags"
    PUBLISHED_AT = "published_at", "Publish time"
    UP_NEXT_PICKS = "up_next_picks", "Up Next picks"


class CommentQuerySet(models.QuerySet):
    def threads(self):
        """Comments that start a thread (not replies)."""
        return self.filter(thread__isnull=True)

    def open(self):
        """Threads nobody has resolved yet."""
        return self.threads().filter(resolved_at__isnull=True)


class Comment(PlainTextMixin, models.Model):
    """An editorial comment on a review, or a reply in a comment's thread.

    A thread can be about one part of the form (``field``) or a passage of
    the body (``quote``, as it read when the comment was made); ``version``
    is the review's version then, so the History can show what it saw."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The comment this one answers; empty for a comment that starts a thread.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=5000)
    field = models.CharField(
        "about", max_length=30, choices=Anchor, blank=True, help_text="The part of the form."
    )
    quote = models.TextField(
        "quoted passage", max_length=1000, blank=True, help_text="Words of the body, as written."
    )
    version = models.PositiveIntegerField(help_text="The review’s version when this was written.")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["review", "created_at"], name="comment_review_idx"),
            models.Index(
                fields=["review"],
                condition=Q(thread__isnull=True, resolved_at__isnull=True),
                name="comment_open_thread_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="comment_text_not_empty",
                violation_error_message="Write a comment.",
            ),
            models.CheckConstraint(
                condition=Q(thread__isnull=True) | Q(field="", quote="", resolved_at__isnull=True),
                name="comment_reply_plain",
                violation_error_message="A reply belongs to its thread: it has no anchor and "
                "is resolved with it.",
            ),
            models.CheckConstraint(
                condition=Q(quote="") | Q(field="body"),
                name="comment_quote_from_body",
                violation_error_message="A quoted passage comes from the body.",
            ),
        ]

    def __str__(self):
        return f"{self.author or 'Someone'}: {Truncator(self.text).chars(60)}"

    def get_absolute_url(self):
        root = self.thread_id or self.pk
        return reverse("admin:reviews_review_change", args=[self.review_id]) + f"#comment-{root}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class SendBackQuerySet(models.QuerySet):
    def open(self):
        """Notes the writer has not answered yet by sending the review again."""
        return self.filter(answered_at__isnull=True)


class SendBack(PlainTextMixin, models.Model):
    """An editor returned a review in review to its writer, saying why. The
    note shows on the review's form and the writer's dashboard until the
    review leaves draft again (sent for review, or approved)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="send_backs")
    revision = models.OneToOneField(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="send_back"
    )
    note = models.TextField(max_length=5000, help_text="What the writer should change.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the review was sent for review again."
    )

    objects = SendBackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="send_back_note_not_empty",
                violation_error_message="Say what should change.",
            ),
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(answered_at__isnull=True),
                name="send_back_one_open",
                violation_error_message="This review is already sent back.",
            ),
        ]

    def __str__(self):
        return f"Sent back: {Truncator(self.note).chars(60)}"

    def get_absolute_url(self):
        return reverse("admin:reviews_review_change", args=[self.review_id])


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", "A review is sent for review (to editors)"
    SENT_BACK = "sent_back", "My review is sent back to me"
    APPROVED = "approved", "My review is approved and scheduled"
    PUBLISHED = "published", "My review is published"
    COMMENT = "comment", "Comments on my reviews and in threads I am in"
    DESK = "desk", "The desk’s daily warning about slots in the next 48 hours"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Someone was told that work moved. ``event`` names what happened
    (“revision:123”, “comment:45”, “desk:2026-09-03”): one person is told
    of one event once, whoever or whatever asks again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind)
    event = models.CharField(max_length=100)
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=500)
    detail = models.TextField(blank=True, help_text="The note or comment, as written.")
    url = models.CharField(max_length=500, help_text="Where in the admin to go next.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notification_once_per_event"
            ),
        ]

    def __str__(self):
        return self.message

    def get_absolute_url(self):
        return reverse("admin:notification_open", args=[self.pk])


class NotificationSettings(models.Model):
    """What one member of staff wants to be told, and whether by email too.
    Without a row, everything is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    muted = models.JSONField(
        default=list, blank=True, help_text="The kinds of notification turned off."
    )
    email = models.BooleanField(
        "email me too",
        default=True,
        help_text="Besides the list in the admin, send each notification to my email address.",
    )

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self):
        return f"Notification settings of {self.user}"

    def get_absolute_url(self):
        return reverse("admin:notification_settings")

    def wants(self, kind: str) -> bool:
        return kind not in self.muted

    def wants_email(self, kind: str) -> bool:
        return self.email and self.wants(kind)
