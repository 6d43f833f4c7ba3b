"""Scheduled updates: changes to a live review kept until their time.

Readers see the review as it is until then; the first request after that
moment applies the update through the editing service (see
``reviews.middleware``), so nothing has to run in the background.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Review, Revision
from ..times import when
from .editing import edit_review
from .edits import ReviewEdit
from .revisions import forget_next_update, next_update_at
from .snapshots import edit_from_snapshot, snapshot
from .transitions import TransitionError


def schedule_update(
    *,
    review: Review,
    at: datetime,
    by,
    content: dict | None = None,
    edit: ReviewEdit | None = None,
    based_on: int | None = None,
    seen_version: int | None = None,
    via: str = "the review form",
) -> Revision | None:
    """Keep a change to a live review (an ``edit``, or ``content`` as a
    snapshot) to be made at ``at``, leaving the review as readers see it
    until then. None if the change would change nothing."""
    if edit is None:
        edit = edit_from_snapshot(content, review)
    return edit_review(
        review=review,
        edit=edit,
        by=by,
        via=via,
        based_on=based_on,
        seen_version=seen_version,
        apply_at=at,
    ).scheduled_update


@transaction.atomic
def cancel_update(*, update: Revision, by) -> Revision:
    if by is not None and not permissions.can_schedule(by):
        raise TransitionError("Only the desk or an editor can cancel a scheduled update.")
    update.cancelled_at = timezone.now()
    update.save(update_fields=["cancelled_at"])
    transaction.on_commit(forget_next_update)
    return update


def apply_due_updates(now: datetime | None = None) -> int:
    """Apply every scheduled update whose time has come; return how many."""
    now = now or timezone.now()
    due_at = next_update_at()
    if due_at is None or due_at > now:
        return 0
    applied = 0
    with transaction.atomic():
        due = (
            Revision.objects.due_updates(now)
            .select_related("review__author", "review__column")
            .order_by("apply_at", "pk")
        )
        # Another request applying the same update is waited for, not
        # skipped: this one then reads the review as updated, and never
        # serves (or lets a cache in front keep) the version it replaces.
        due = due.select_for_update(of=("self",))
        for update in due:
            _apply(update)
            applied += 1
        transaction.on_commit(forget_next_update)
    return applied


def _apply(update: Revision) -> None:
    review = update.review
    edit = edit_from_snapshot(update.snapshot, review)
    edit.fields["updated_at"] = update.apply_at
    result = edit_review(
        review=review,
        edit=edit,
        by=update.created_by,
        via="a scheduled update",
        system=True,
        summary=f"Applied the update scheduled for {when(update.apply_at, zone=True)}",
    )
    update.applied_at = timezone.now()
    update.version = result.review.version
    update.snapshot = snapshot(result.review)
    update.save(update_fields=["applied_at", "version", "snapshot"])
