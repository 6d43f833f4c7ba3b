"""A review's moves through the newsroom, each a change made through the
editing service: status and publish time, corrections, restoring an old
version.

Nothing runs in the background: a scheduled review is public once its time
has come because that is what ``Review.objects.published()`` means.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from kdrama_rewind.data.text import many_lines

from .. import permissions
from ..models import Correction, Review, Revision, SendBack
from ..status import APPROVED_STATUSES, Status
from ..times import when
from .editing import edit_review
from .edits import CorrectionEdit, ReviewEdit
from .snapshots import edit_from_snapshot
from .transitions import TransitionError, describe_move


def change_state(
    *, review: Review, by, status: str, at: datetime | None, via: str = "a list action"
) -> Review:
    """Move ``review`` to ``status`` at ``at`` if ``by`` may, as the list's
    actions and the desk do: refused if someone moved it meanwhile."""
    return edit_review(
        review=review,
        edit=ReviewEdit(status=status, published_at=at),
        by=by,
        via=via,
        expect_state=(review.status, review.published_at),
        kind=Revision.Kind.STATUS,
        summary=describe_move,
    ).review


def submit_for_review(*, review: Review, by) -> Review:
    return change_state(review=review, by=by, status=Status.REVIEW, at=review.published_at)


@transaction.atomic
def send_back(*, review: Review, by, note: str) -> SendBack:
    """Return ``review``, in review, to its writer as a draft, saying what
    should change. The note shows on its form and the writer's dashboard
    until the review is sent for review again, and the writer is told."""
    note = many_lines(note or "").strip()
    if not permissions.can_publish(by):
        raise TransitionError("Only an editor can send a review back.")
    if review.status != Status.REVIEW:
        raise TransitionError(
            f"Only a review in review can be sent back; this one is {review.state_label.lower()}."
        )
    if not note:
        raise ValidationError({"note": "Say what the writer should change."})
    limit = SendBack._meta.get_field("note").max_length
    if len(note) > limit:
        raise ValidationError({"note": f"Keep the note under {limit} characters."})
    result = edit_review(
        review=review,
        edit=ReviewEdit(status=Status.DRAFT, published_at=review.published_at),
        by=by,
        via="sent back",
        expect_state=(review.status, review.published_at),
        kind=Revision.Kind.SENT_BACK,
        summary=f"In review → Draft, sent back to the writer: “{Truncator(note).chars(400)}”",
    )
    if result.revision is None:
        raise TransitionError("Someone else sent this review back meanwhile.")
    return SendBack.objects.create(
        review=result.review, revision=result.revision, note=note, created_by=by
    )


def return_to_draft(*, review: Review, by) -> Review:
    at = None if review.status in APPROVED_STATUSES else review.published_at
    return change_state(review=review, by=by, status=Status.DRAFT, at=at)


def publish_review(*, review: Review, by, at: datetime | None = None) -> Review:
    """Make ``review`` public at ``at`` (now by default); a future time
    schedules it. A live review keeps its publish time unless given one."""
    now = timezone.now()
    if at is None:
        at = review.published_at if review.is_published() else now
    status = Status.SCHEDULED if at > now else Status.PUBLISHED
    return change_state(review=review, by=by, status=status, at=at)


def approve_review(*, review: Review, by) -> Review:
    """Approve ``review`` to go out at its planned time, or now if it has none
    or the time has passed."""
    planned = review.published_at
    if planned and planned > timezone.now():
        return change_state(review=review, by=by, status=Status.SCHEDULED, at=planned)
    return publish_review(review=review, by=by, at=timezone.now())


def schedule_review(*, review: Review, by, at: datetime, via: str = "a list action") -> Review:
    """Give ``review`` a future publish time. An approved review is scheduled
    for it; one not yet approved keeps its status and is planned for it,
    unless the one scheduling may approve (an editor), which approves it."""
    if review.is_published():
        raise TransitionError("This review is already published; unpublish it first.")
    if at <= timezone.now():
        raise TransitionError("Choose a time in the future.")
    approved = review.status in APPROVED_STATUSES
    status = Status.SCHEDULED if approved or permissions.can_publish(by) else review.status
    return change_state(review=review, by=by, status=status, at=at, via=via)


def cancel_schedule(*, review: Review, by, via: str = "a list action") -> Review:
    """Take a scheduled (or planned) review off the schedule; an approved one
    goes back to “In review”."""
    if review.is_published():
        raise TransitionError("This review is already published; unpublish it instead.")
    status = Status.REVIEW if review.status in APPROVED_STATUSES else review.status
    return change_state(review=review, by=by, status=status, at=None, via=via)


def unpublish_review(*, review: Review, by) -> Review:
    """Take ``review`` off the site, back to draft; its publish time is kept
    for the record."""
    return change_state(review=review, by=by, status=Status.DRAFT, at=review.published_at)


def add_correction(
    *, review: Review, by, kind: str, text: str, noted_at: datetime | None = None
) -> Correction:
    """Note a correction, clarification or update; it moves “Last updated”."""
    current = [CorrectionEdit(c.kind, c.text, c.noted_at, c.pk) for c in review.corrections.all()]
    note = CorrectionEdit(kind, text, noted_at or timezone.now(), created_by=by)
    edit_review(
        review=review,
        edit=ReviewEdit(corrections=[*current, note]),
        by=by,
        via="a correction",
        summary=f"Added a {Correction.Kind(kind).label.lower()}",
    )
    return review.corrections.order_by("-id").first()


# ---------------------------------------------------------------- restoring


def restore_revision(
    *, review: Review, revision: Revision, by, based_on: int | None = None, confirmed_names=()
) -> Revision | None:
    """Make ``revision``'s content the review's content again. Nothing is
    lost: the version being replaced stays in the history. ``based_on`` is
    the version the person restoring saw."""
    if revision.snapshot is None:
        raise TransitionError("This entry notes a change around the review; it has no version.")
    if by is not None and not permissions.can_edit(by, review):
        raise TransitionError("You may not edit this review.")
    saved = when(revision.created_at, zone=True)
    who = revision.created_by or "the system"
    edit = edit_from_snapshot(revision.snapshot, review)
    edit.confirmed_names = confirmed_names
    result = edit_review(
        review=review,
        edit=edit,
        by=by,
        via="History: restore",
        based_on=based_on,
        kind=Revision.Kind.RESTORE,
        summary=f"Restored the version saved at {saved} by {who}",
    )
    return result.revision


@transaction.atomic
def release_address(*, redirect, by) -> None:
    """Let an old address of a review go, so another review may take it.
    Only an editor may; the review's History says who did."""
    if not permissions.can_publish(by):
        raise TransitionError("Only an editor can release an old address.")
    review = Review.objects.select_for_update().get(pk=redirect.review_id)
    slug = redirect.old_slug
    redirect.delete()
    Revision.objects.create(
        review=review,
        version=review.version,
        kind=Revision.Kind.ADDRESS,
        summary=f"Released the old address /reviews/{slug}/: it no longer leads here",
        via="History: old addresses",
        created_by=by,
    )
