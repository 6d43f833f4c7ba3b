"""Editorial comments on a review: write one, answer it, resolve its thread.

Only staff who may discuss the review (editors and the desk on any review,
a writer on their own: ``permissions.can_discuss``) can do any of it; the
check is made here, whatever view or form asks. A comment keeps the version
of the review it was made on. Once it commits, the people in the
conversation are told (``reviews.notifications.tell_of_comment``).
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kdrama_rewind.tasks import enqueue_on_commit

from .. import notifications, permissions
from ..models import Anchor, Comment, Review
from .transitions import TransitionError

_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Text with each run of white space as one space: how a passage is
    matched against the body, whatever its line breaks."""
    return _SPACE.sub(" ", text or "").strip()


def quote_still_there(comment: Comment, review: Review) -> bool:
    """Whether the body still has the passage a comment quotes."""
    return not comment.quote or plain(comment.quote) in plain(review.body)


def add_comment(
    *, review: Review, by, text: str, field: str = "", quote: str = "", reply_to=None
) -> Comment:
    """Comment on ``review`` (about one of its fields, or a passage of its
    body), or answer ``reply_to``'s thread. Answering a resolved thread
    opens it again."""
    if not permissions.can_discuss(by, review):
        raise TransitionError("You may not comment on this review.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a comment."})
    if len(text) > (limit := Comment._meta.get_field("text").max_length):
        raise ValidationError({"text": f"Keep a comment under {limit} characters."})
    thread = None
    if reply_to is not None:
        if reply_to.review_id != review.pk:
            raise TransitionError("That comment belongs to another review.")
        thread = reply_to.thread or reply_to
        field = quote = ""
    else:
        quote = plain(quote)
        if len(quote) > (limit := Comment._meta.get_field("quote").max_length):
            raise ValidationError({"quote": f"Quote at most {limit} characters of the body."})
        if quote:
            field = "body"
            if quote not in plain(review.body):
                raise ValidationError(
                    {
                        "quote": "The body, as last saved, does not have these words. Save "
                        "the review first, or quote it as it is saved."
                    }
                )
        if field and field not in Anchor.values:
            raise ValidationError({"field": "Choose a part of the review from the list."})
    comment = Comment(
        review=review,
        thread=thread,
        author=by,
        text=text,
        field=field,
        quote=quote,
        version=review.version,
    )
    comment.full_clean(exclude=["review", "thread", "author"])
    with transaction.atomic():
        comment.save()
        if thread is not None and thread.resolved_at is not None:
            Comment.objects.filter(pk=thread.pk).update(resolved_at=None, resolved_by=None)
            thread.resolved_at = thread.resolved_by = None
        enqueue_on_commit(notifications.tell_of_comment, comment.pk)
    return comment


def resolve_thread(*, comment: Comment, by) -> Comment:
    """Mark ``comment``'s thread as dealt with: it leaves the form's side
    and stays in the review's History."""
    thread = _thread_for(comment, by)
    if thread.resolved_at is None:
        thread.resolved_at, thread.resolved_by = timezone.now(), by
        thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


def reopen_thread(*, comment: Comment, by) -> Comment:
    thread = _thread_for(comment, by)
    if thread.resolved_at is not None:
        thread.resolved_at = thread.resolved_by = None
        thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


def _thread_for(comment: Comment, by) -> Comment:
    thread = comment.thread or comment
    if not permissions.can_discuss(by, thread.review):
        raise TransitionError("You may not resolve comments on this review.")
    return thread
