"""Writes that change what readers see, or that the newsroom must be able to
account for. Every change to a review goes through ``editing.edit_review``;
the rest are named moves built on it. Each is keyword-only, runs in one
transaction and leaves its side effects to after the commit."""

from .comments import add_comment, reopen_thread, resolve_thread
from .editing import edit_review
from .edits import KEEP, CorrectionEdit, EditConflict, EditResult, ReviewEdit, StoredHero
from .revisions import record_revision
from .transitions import TransitionError, check_transition
from .updates import apply_due_updates, cancel_update, schedule_update
from .workflow import (
    add_correction,
    approve_review,
    cancel_schedule,
    change_state,
    publish_review,
    release_address,
    restore_revision,
    return_to_draft,
    schedule_review,
    send_back,
    submit_for_review,
    unpublish_review,
)

__all__ = [
    "KEEP",
    "CorrectionEdit",
    "EditConflict",
    "EditResult",
    "ReviewEdit",
    "StoredHero",
    "TransitionError",
    "add_comment",
    "add_correction",
    "apply_due_updates",
    "approve_review",
    "cancel_schedule",
    "cancel_update",
    "change_state",
    "check_transition",
    "edit_review",
    "publish_review",
    "record_revision",
    "release_address",
    "reopen_thread",
    "resolve_thread",
    "restore_revision",
    "return_to_draft",
    "schedule_review",
    "schedule_update",
    "send_back",
    "submit_for_review",
    "unpublish_review",
]
