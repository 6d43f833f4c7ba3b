"""A review's notes to readers (corrections, clarifications, updates) as an
edit leaves them: checked, then written with the review."""

from django.core.exceptions import ValidationError

from .. import permissions
from ..models import Correction, Review
from ..times import same_moment
from .edits import CorrectionEdit
from .transitions import TransitionError


def corrections_after(
    stored: Review | None, edits: list[CorrectionEdit] | None, *, by, system: bool
) -> list[CorrectionEdit]:
    """The notes to readers as ``edits`` would leave them (None: as they
    are); changing them is an editor's job."""
    current = [
        CorrectionEdit(c.kind, c.text, c.noted_at, c.pk)
        for c in (stored.corrections.all() if stored else [])
    ]
    if edits is None:
        return current
    known = {c.pk: c for c in current}
    result = []
    for entry in edits:
        if entry.pk is not None and entry.pk not in known:
            raise TransitionError("That correction belongs to another review.")
        if entry.pk is not None:
            entry.noted_at = same_moment(entry.noted_at, known[entry.pk].noted_at)
        note = Correction(kind=entry.kind, text=entry.text, noted_at=entry.noted_at)
        try:
            note.full_clean(exclude=["review"])
        except ValidationError as error:
            raise ValidationError({"corrections": error.messages}) from None
        entry.text = note.text  # as validation keeps it (pasted control characters settled)
        result.append(entry)
    as_stored = [(c.pk, c.kind, c.text, c.noted_at) for c in current]
    wanted = [(c.pk, c.kind, c.text, c.noted_at) for c in result]
    if wanted != as_stored and not system and not permissions.can_correct(by):
        raise TransitionError("Only an editor can add, change or remove corrections.")
    return result


def write_corrections(review: Review, corrections: list[CorrectionEdit], *, by) -> None:
    """Save the review's notes to readers as ``corrections`` says."""
    kept = {entry.pk for entry in corrections if entry.pk is not None}
    review.corrections.exclude(pk__in=kept).delete()
    existing = {c.pk: c for c in review.corrections.all()}
    for entry in corrections:
        note = existing.get(entry.pk)
        if note is None:
            note = Correction(review=review, created_by=entry.created_by or by)
        if note.pk and (note.kind, note.text, note.noted_at) == (
            entry.kind,
            entry.text,
            entry.noted_at,
        ):
            continue
        note.kind, note.text, note.noted_at = entry.kind, entry.text, entry.noted_at
        note.save()
