"""Writes that change what readers see, or that the newsroom must be able to
account for. Each is a plain function: keyword-only, one transaction, its
side effects after commit."""

from .revisions import (
    apply_due_updates,
    cancel_update,
    record_revision,
    restore_revision,
    schedule_update,
)
from .workflow import (
    TransitionError,
    add_correction,
    approve_review,
    cancel_schedule,
    check_transition,
    publish_review,
    return_to_draft,
    save_review_content,
    schedule_review,
    submit_for_review,
    unpublish_review,
)

__all__ = [
    "TransitionError",
    "add_correction",
    "apply_due_updates",
    "approve_review",
    "cancel_schedule",
    "cancel_update",
    "check_transition",
    "publish_review",
    "record_revision",
    "restore_revision",
    "return_to_draft",
    "save_review_content",
    "schedule_review",
    "schedule_update",
    "submit_for_review",
    "unpublish_review",
]
