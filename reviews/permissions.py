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


def can_discuss(user, review: Review) -> bool:
    """See, write, answer and resolve the editorial comments on a review:
    editors and the desk on any review, a writer on their own only."""
    if not (user.is_active and user.is_staff and can_view(user)):
        return False
    return user.has_perm(EDIT_ANY) or can_schedule(user) or is_own(user, review)


def can_send_back(user, review: Review) -> bool:
    """Return a review in review to its writer with a note: an editor."""
    return can_publish(user) and review.status == Status.REVIEW
