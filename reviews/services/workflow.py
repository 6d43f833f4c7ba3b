"""A review's status and publish time move only through these functions.

Draft → in review → scheduled or published, and back to draft by
unpublishing. Every move is checked against the user's permissions and
recorded as a revision with who and when. Nothing runs in the background: a
scheduled review is public once its time has come because that is what
``Review.objects.published()`` means.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Correction, Review, Revision, SlugRedirect
from .revisions import record_revision

Status = Review.Status
STATUS_LABELS = dict(Status.choices)


class TransitionError(PermissionDenied):
    """The user may not make this move; the message says why, for an editor."""


def check_transition(*, user, review: Review, status: str, at: datetime | None) -> str | None:
    """Why ``user`` may not move ``review`` (as stored) to ``status`` with
    publish time ``at``, or None if they may. ``user=None`` is the system."""
    current, current_at = review.status, review.published_at
    if (status, at) == (current, current_at) or user is None:
        return None
    live = review.is_published()
    approved = current in Review.LIVE_STATUSES
    if status in Review.LIVE_STATUSES:
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
    if status in Review.LIVE_STATUSES and at is not None:
        return Status.SCHEDULED if at > timezone.now() else Status.PUBLISHED
    return status


@transaction.atomic
def change_state(
    *, review: Review, by, status: str, at: datetime | None, record: bool = True
) -> Review:
    """Move ``review`` to ``status`` at ``at`` if ``by`` may; record it."""
    status = normalize(status, at)
    # Hold the row while deciding: of two editors moving the same review at
    # once, the second sees the first's move (SQLite's IMMEDIATE
    # transactions serialize the same way).
    current = (
        Review.objects.select_for_update()
        .filter(pk=review.pk)
        .values_list("status", "published_at")
        .first()
    )
    if current is not None and current != (review.status, review.published_at):
        if current[0] == status:  # someone else made this very move meanwhile
            review.refresh_from_db()
            return review
        raise TransitionError(
            "Someone else changed this review’s status since you opened it; "
            "reload it and try again."
        )
    reason = check_transition(user=by, review=review, status=status, at=at)
    if reason:
        raise TransitionError(reason)
    if (status, at) == (review.status, review.published_at):
        return review
    before = review.get_status_display()
    review.status, review.published_at = status, at
    review.last_edited_by = by
    if review.updated_at and at and review.updated_at < at:
        # Published again later than its last update: that update is history.
        review.updated_at = None
    review.save(update_fields=["status", "published_at", "updated_at", "last_edited_by"])
    if record:
        record_revision(
            review=review,
            by=by,
            kind=Revision.Kind.STATUS,
            summary=_describe_move(before, review),
        )
    return review


def _describe_move(before: str, review: Review) -> str:
    after = review.state_label
    if review.published_at and review.status != Status.PUBLISHED:
        when = timezone.localtime(review.published_at)
        after = f"{after} for {when:%d %b %Y, %H:%M}"
    return f"{before} → {after}"


@transaction.atomic
def submit_for_review(*, review: Review, by) -> Review:
    return change_state(review=review, by=by, status=Status.REVIEW, at=review.published_at)


@transaction.atomic
def return_to_draft(*, review: Review, by) -> Review:
    at = None if review.status in Review.LIVE_STATUSES else review.published_at
    return change_state(review=review, by=by, status=Status.DRAFT, at=at)


@transaction.atomic
def publish_review(*, review: Review, by, at: datetime | None = None) -> Review:
    """Make ``review`` public at ``at`` (now by default); a future time
    schedules it. A live review keeps its publish time unless given one."""
    now = timezone.now()
    if at is None:
        at = review.published_at if review.is_published() else now
    status = Status.SCHEDULED if at > now else Status.PUBLISHED
    return change_state(review=review, by=by, status=status, at=at)


@transaction.atomic
def approve_review(*, review: Review, by) -> Review:
    """Approve ``review`` to go out at its planned time, or now if it has none
    or the time has passed."""
    planned = review.published_at
    if planned and planned > timezone.now():
        return change_state(review=review, by=by, status=Status.SCHEDULED, at=planned)
    return publish_review(review=review, by=by, at=timezone.now())


@transaction.atomic
def schedule_review(*, review: Review, by, at: datetime) -> Review:
    """Give ``review`` a future publish time. An approved review is scheduled
    for it; one not yet approved keeps its status and is planned for it,
    unless the one scheduling may approve (an editor), which approves it."""
    if review.is_published():
        raise TransitionError("This review is already published; unpublish it first.")
    if at <= timezone.now():
        raise TransitionError("Choose a time in the future.")
    approved = review.status in Review.LIVE_STATUSES
    if approved or permissions.can_publish(by):
        return change_state(review=review, by=by, status=Status.SCHEDULED, at=at)
    return change_state(review=review, by=by, status=review.status, at=at)


@transaction.atomic
def cancel_schedule(*, review: Review, by) -> Review:
    """Take a scheduled (or planned) review off the schedule; an approved one
    goes back to “In review”."""
    if review.is_published():
        raise TransitionError("This review is already published; unpublish it instead.")
    status = Status.REVIEW if review.status in Review.LIVE_STATUSES else review.status
    return change_state(review=review, by=by, status=status, at=None)


@transaction.atomic
def unpublish_review(*, review: Review, by) -> Review:
    """Take ``review`` off the site, back to draft; its publish time is kept
    for the record."""
    return change_state(review=review, by=by, status=Status.DRAFT, at=review.published_at)


def save_review_content(
    *, review: Review, original: Review | None, by, minor: bool = False
) -> Review:
    """Save an edit of ``review``'s words and pictures (status and publish
    time are not touched here). A public review's old address keeps working,
    and its “Last updated” moves unless the edit is marked minor."""
    was_public = original is not None and original.is_published()
    if was_public and not minor and review.updated_at == original.updated_at:
        if _content_changed(original, review):
            review.updated_at = timezone.now()
    review.last_edited_by = by
    review.save()
    if original is not None and original.slug != review.slug:
        note_slug_change(review=review, old_slug=original.slug, was_public=was_public)
    return review


CONTENT_FIELDS = (
    "title", "slug", "standfirst", "body", "hero_image", "hero_alt", "hero_caption",
    "hero_credit", "author_id", "column_id",
)  # fmt: skip


def _content_changed(original: Review, review: Review) -> bool:
    return any(getattr(original, f) != getattr(review, f) for f in CONTENT_FIELDS)


def note_slug_change(*, review: Review, old_slug: str, was_public: bool) -> None:
    """Keep a public review's old address working. Redirects point at the
    review, not at another slug, so chains cannot form; a slug taken back
    stops being a redirect."""
    SlugRedirect.objects.filter(old_slug=review.slug).delete()
    if was_public:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"review": review})


@transaction.atomic
def add_correction(
    *, review: Review, by, kind: str, text: str, noted_at: datetime | None = None
) -> Correction:
    """Note a correction, clarification or update; it moves “Last updated”."""
    correction = Correction(
        review=review,
        kind=kind,
        text=text,
        noted_at=noted_at or timezone.now(),
        created_by=by,
    )
    correction.full_clean()
    correction.save()
    note_correction(review=review, correction=correction)
    record_revision(
        review=review,
        by=by,
        kind=Revision.Kind.EDIT,
        summary=f"Added a {correction.get_kind_display().lower()}",
    )
    return correction


def note_correction(*, review: Review, correction: Correction) -> None:
    """“Last updated” moves to a published review's correction date when that is later."""
    published = review.published_at
    if published and review.status in Review.LIVE_STATUSES and correction.noted_at >= published:
        if review.updated_at is None or correction.noted_at > review.updated_at:
            review.updated_at = correction.noted_at
            review.save(update_fields=["updated_at"])


def status_label(status: str) -> str:
    return STATUS_LABELS[status]
