"""What a writer was typing into the review form before saving it."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .reviews import Review


class AutosaveQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(saved_at__lt=timezone.now() - Autosave.LIFETIME)

    def of(self, user, review: Review | None):
        """The user's own autosave of ``review`` (None: of a new review)."""
        if review is None or review.pk is None:
            return self.filter(user=user, review__isnull=True)
        return self.filter(user=user, review=review)


class Autosave(models.Model):
    """The review form's unsaved state, kept every few seconds while someone
    types, so a closed tab or a crashed browser loses nothing. It belongs to
    one user and one review (or to the user's next new review); it is not a
    revision, never public and never shown to anyone else, and a successful
    save of the form clears it."""

    LIFETIME = timedelta(days=30)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a review not saved yet.",
    )
    data = models.JSONField(help_text="The form's fields as the browser posts them.")
    based_on = models.PositiveIntegerField(
        null=True, blank=True, help_text="The review's version when the form was opened."
    )
    saved_at = models.DateTimeField(default=timezone.now)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "review"], name="autosave_one_per_review"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(review__isnull=True),
                name="autosave_one_new_review",
            ),
        ]

    def __str__(self):
        what = f"“{self.review}”" if self.review_id else "a new review"
        return f"{self.user}’s unsaved writing on {what}"
