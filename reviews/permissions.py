"""Who may do what to a review. Every admin view, action and service asks here.

Roles are bundles of these permissions (see the Writer, Editor and Desk groups):
a writer edits their own drafts and sends them for review; an editor edits
anything, approves, publishes, schedules and unpublishes; the desk plans the
column calendar and schedules.
"""

from .models import Review
from .status import Status

PUBLISH = "reviews.publish_review"
SCHEDULE = "reviews.schedule_review"
EDIT_ANY = "reviews.edit_any_review"
OWN_EDITABLE_STATUSES = (Status.DRAFT, Status.REVIEW)


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH)


def can_schedule(user) -> bool:
    return user.has_perm(SCHEDULE) or user.has_perm(PUBLISH)


def is_own(user, review: Review) -> bool:
    return review.author_id is not None and getattr(review.author, "user_id", None) == user.pk


def can_edit(user, review: Review | None = None) -> bool:
    """Change a review's words: editors any review, writers their own drafts."""
    if not user.has_perm("reviews.change_review"):
        return False
    if review is None or user.has_perm(EDIT_ANY):
        return True
    return is_own(user, review) and review.status in OWN_EDITABLE_STATUSES


def can_correct(user) -> bool:
    """Add, change or remove the notes to readers under a review."""
    return all(
        user.has_perm(f"reviews.{action}_correction") for action in ("add", "change", "delete")
    )


def can_view(user) -> bool:
    return user.has_perm("reviews.view_review")
