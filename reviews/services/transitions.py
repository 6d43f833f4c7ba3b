"""Which moves of a review's status and publish time a user may make.

Draft → in review → scheduled or published, and back to draft by
unpublishing. The decision is a pure function of the user's permissions and
the review as stored, so the editing service, the review form and the list
actions all give the same answer in the same words.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .. import permissions
from ..models import Review
from ..status import APPROVED_STATUSES, Status
from ..times import when


class TransitionError(PermissionDenied):
    """The user may not make this change; the message says why, for an editor."""


def check_transition(*, user, review: Review, status: str, at: datetime | None) -> str | None:
    """Why ``user`` may not move ``review`` (as stored) to ``status`` with
    publish time ``at``, or None if they may. ``user=None`` is the system."""
    current, current_at = review.status, review.published_at
    if (status, at) == (current, current_at) or user is None:
        return None
    live = review.is_published()
    approved = current in APPROVED_STATUSES
    if status in APPROVED_STATUSES:
        if status == Status.SCHEDULED and at is None:
            return "Set a publish time to schedule this review."
        if not approved and not permissions.can_publish(user):
            return (
                "Only an editor can approve or publish a review. "
                "Set it to “In review” and an editor will take it from there."
            )
        if approved and at != current_at:
            if live and not permissions.can_publish(user):
                return "Only an editor can change the publish time of a published review."
            if not permissions.can_schedule(user):
                return "Only the desk or an editor can move a scheduled review."
        return None
    if approved:
        if live and not permissions.can_publish(user):
            return "Only an editor can take a published review down."
        if not live and not permissions.can_schedule(user):
            return "Only the desk or an editor can cancel a schedule."
        return None
    if at != current_at and not permissions.can_schedule(user):
        return "Only the desk or an editor can plan a publish time."
    if status != current and not (
        permissions.can_edit(user, review) or permissions.can_publish(user)
    ):
        return "You can only move your own drafts between draft and review."
    return None


def normalize(status: str, at: datetime | None) -> str:
    """An approved review is “scheduled” while its time is ahead and
    “published” once it has come."""
    if status in APPROVED_STATUSES and at is not None:
        return Status.SCHEDULED if at > timezone.now() else Status.PUBLISHED
    return status


def describe_move(before: Review, after: Review) -> str:
    """“Draft → Scheduled for 04 Jul 2026, 09:00”."""
    label = after.state_label
    if after.published_at and after.state_label != "Live":
        label = f"{label} for {when(after.published_at)}"
    return f"{before.state_label} → {label}"
