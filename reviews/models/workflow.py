"""The editorial record around a review: revisions, redirects, corrections,
preview links and calendar feed tokens."""

import posixpath
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from kdrama_rewind.data.constraints import MOMENTS_MESSAGE, plausible_moment
from kdrama_rewind.data.text import PlainTextMixin

from ..times import newsroom, when
from .reviews import Review


class RevisionQuerySet(models.QuerySet):
    def pending_updates(self):
        """Scheduled updates not yet applied or cancelled."""
        return self.filter(
            kind=Revision.Kind.SCHEDULED_UPDATE, applied_at__isnull=True, cancelled_at__isnull=True
        )

    def due_updates(self, now=None):
        return self.pending_updates().filter(apply_at__lte=now or timezone.now())

    def next_apply_at(self) -> datetime | None:
        """When the next pending update among these falls due."""
        return (
            self.pending_updates().order_by("apply_at").values_list("apply_at", flat=True).first()
        )

    def snapshots(self):
        """Versions of the review itself: not notes of changes around it,
        not updates still waiting for their time."""
        return self.filter(snapshot__isnull=False).exclude(
            kind=Revision.Kind.SCHEDULED_UPDATE, applied_at__isnull=True
        )


class Revision(models.Model):
    """A snapshot of a review as it was saved: every field, its tags, dramas,
    people, quotes and image. A scheduled update is a revision waiting for
    its ``apply_at`` time. A change to something the review shows but shares
    with others (a quote, a person's name) is noted without a snapshot."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Edited"
        STATUS = "status", "Status changed"
        SENT_BACK = "sent_back", "Sent back"
        RESTORE = "restore", "Restored"
        IMPORT = "import", "Imported"
        SCHEDULED_UPDATE = "scheduled_update", "Scheduled update"
        SHARED = "shared", "Shared item changed"
        ADDRESS = "address", "Old address released"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(
        null=True, help_text="The review’s version once this revision was saved."
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.EDIT)
    summary = models.CharField(max_length=500, blank=True)
    via = models.CharField(
        max_length=300, blank=True, help_text="The way the change came in, e.g. “the review form”."
    )
    snapshot = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    apply_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["review", "-created_at"], name="revision_review_idx"),
            models.Index(
                fields=["apply_at"],
                condition=Q(
                    kind="scheduled_update", applied_at__isnull=True, cancelled_at__isnull=True
                ),
                name="revision_pending_update_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="scheduled_update", apply_at__isnull=False)
                | (~Q(kind="scheduled_update") & Q(apply_at__isnull=True)),
                name="revision_only_updates_have_apply_at",
                violation_error_message="Only a scheduled update has a time to apply.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["shared", "address"]) | Q(snapshot__isnull=False),
                name="revision_snapshot_unless_note",
                violation_error_message="A revision of the review's own content keeps a snapshot.",
            ),
        ]

    def __str__(self):
        who = self.created_by or "the system"
        return f"{self.get_kind_display()} by {who}, {when(self.created_at)}"

    def get_absolute_url(self):
        return reverse("admin:reviews_review_revision", args=[self.review_id, self.pk])

    @property
    def is_note(self) -> bool:
        """A note of a change around the review, with no snapshot to compare or restore."""
        return self.snapshot is None

    @property
    def is_pending(self) -> bool:
        return (
            self.kind == self.Kind.SCHEDULED_UPDATE
            and self.applied_at is None
            and self.cancelled_at is None
        )


def next_scheduled_moment() -> datetime | None:
    """When what readers see next changes by itself: a review going live at
    its publish time, or a scheduled update falling due. Caches of public
    pages keep nothing past it."""
    moments = [Review.objects.next_publish_at(), Revision.objects.next_apply_at()]
    return min((moment for moment in moments if moment), default=None)


class SlugRedirect(models.Model):
    """An old address of a review that was public under it."""

    old_slug = models.SlugField(max_length=300, unique=True, allow_unicode=True)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="slug_redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"/reviews/{self.old_slug}/ → {self.review.get_absolute_url()}"

    def get_absolute_url(self):
        return reverse("reviews:review_detail", kwargs={"slug": self.old_slug})


class Correction(PlainTextMixin, models.Model):
    """A note to readers that a review was corrected, clarified or updated."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right, as readers will see it.")
    noted_at = models.DateTimeField(
        "date",
        default=timezone.now,
        help_text="Shown with the note; it also becomes “Last updated”.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["noted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="correction_text_not_empty",
                violation_error_message="Say what was corrected.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["correction", "clarification", "update"]),
                name="correction_kind_valid",
                violation_error_message="Unknown kind of note.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {newsroom(self.noted_at):%d %b %Y}"

    def clean(self):
        if self.noted_at is not None and not plausible_moment(self.noted_at):
            raise ValidationError({"noted_at": f"A note's date is {MOMENTS_MESSAGE}."})


def new_key() -> str:
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token: str) -> "PreviewLink | None":
        """The link behind ``token`` among these, or None for a forged one."""
        try:
            key = signing.Signer(salt=PreviewLink.SALT).unsign(token)
        except signing.BadSignature:
            return None
        return self.filter(key=key).first()


class PreviewLink(models.Model):
    """A link that shows one review, in any state, to someone without an
    account, until it expires or is revoked. Its address carries the key,
    signed; the same every time (the expiry is kept with the link)."""

    SALT = "reviews.preview-link"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="preview_links")
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    expires_at = models.DateTimeField(help_text="After this the link shows nothing.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of “{self.review}” until {when(self.expires_at)}"

    def get_absolute_url(self):
        token = signing.Signer(salt=self.SALT).sign(self.key)
        return reverse("reviews:preview", kwargs={"token": token})

    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class CalendarToken(models.Model):
    """The secret in a staff member's calendar-feed address.

    The address carries the key and a check made from it and the user's
    password hash, so changing the password retires the address, as it
    ends the user's sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    key = models.CharField(max_length=64, unique=True, default=new_key)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self):
        return reverse("reviews:desk_calendar_feed", kwargs={"key": self.address_secret()})

    def address_secret(self) -> str:
        return f"{self.key}.{self._password_check()}"

    def _password_check(self) -> str:
        value = f"{self.key}:{self.user.password}"
        return salted_hmac(__name__, value, algorithm="sha256").hexdigest()[:32]

    @classmethod
    def for_address(cls, secret: str) -> "CalendarToken | None":
        """The token whose address holds ``secret``, if it still works."""
        key, _, check = secret.rpartition(".")
        token = cls.objects.select_related("user").filter(key=key).first() if key else None
        if token is None or not constant_time_compare(check, token._password_check()):
            return None
        return token


STASH_FOLDER = "stash"


def _stash_name(stash: "UploadStash", filename: str) -> str:
    extension = posixpath.splitext(filename)[1].lower()[:10]
    return f"{STASH_FOLDER}/{secrets.token_urlsafe(18)}{extension}"


class UploadStashQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created_at__lt=timezone.now() - UploadStash.LIFETIME)

    def find(self, token: str, *, user) -> "UploadStash | None":
        """The caller's own stash behind ``token``, while it lasts."""
        try:
            key = signing.Signer(salt=UploadStash.SALT).unsign(token)
        except signing.BadSignature:
            return None
        if user is None or not user.is_authenticated:
            return None
        return self.filter(key=key, user=user).exclude(pk__in=self.expired()).first()


class UploadStash(models.Model):
    """An image uploaded with a form that came back with a question (a name
    to confirm, a conflict), kept so the editor does not have to choose it
    again. Only its uploader can use it, for a day at most."""

    LIFETIME = timedelta(days=1)
    SALT = "reviews.upload-stash"

    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=_stash_name, max_length=255)
    original_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UploadStashQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name}, kept for {self.user}"

    @classmethod
    def keep(cls, *, user, upload) -> "UploadStash":
        """Keep ``upload`` for ``user``; stashes past their day go as it is made."""
        for old in cls.objects.expired()[:20]:
            old.discard()
        stash = cls(user=user, original_name=posixpath.basename(upload.name)[:255])
        upload.seek(0)
        stash.file.save(upload.name, upload, save=False)
        stash.save()
        return stash

    @property
    def token(self) -> str:
        return signing.Signer(salt=self.SALT).sign(self.key)

    def as_upload(self) -> File:
        """The kept file, to be stored as if it had just been uploaded."""
        return File(self.file.open("rb"), name=self.original_name)

    def discard(self) -> None:
        self.file.delete(save=False)
        self.delete()
