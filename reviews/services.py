"""Writes that change what readers see. Each runs in one transaction."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Review


def check_can_publish(user: AbstractBaseUser | None) -> None:
    if user is not None and not user.has_perm("reviews.publish_review"):
        raise PermissionDenied("You do not have permission to publish or unpublish reviews.")


@transaction.atomic
def publish_review(
    *, review: Review, by: AbstractBaseUser | None, at: datetime | None = None
) -> Review:
    """Make ``review`` public at ``at`` (now by default); a future time schedules it.

    A review that was already live keeps its original publish time unless a new
    one is given.
    """
    check_can_publish(by)
    now = timezone.now()
    if at is None:
        at = review.published_at if review.is_published() else now
    review.published_at = at
    review.status = Review.Status.SCHEDULED if at > now else Review.Status.PUBLISHED
    review.last_edited_by = by
    review.save(update_fields=["status", "published_at", "last_edited_by", "modified_at"])
    return review


@transaction.atomic
def unpublish_review(*, review: Review, by: AbstractBaseUser | None) -> Review:
    """Take ``review`` off the site (back to draft); its publish time is kept for the record."""
    check_can_publish(by)
    review.status = Review.Status.DRAFT
    review.last_edited_by = by
    review.save(update_fields=["status", "last_edited_by", "modified_at"])
    return review
