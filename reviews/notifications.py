"""Who is told when work moves, and how.

What tells whom:

- a review sent for review: the editors;
- a review sent back (with the editor's note), approved for a later time,
  or published: its writer;
- a comment: the review's writer and everyone in the thread (for a new
  thread, everyone who has commented on the review);
- the desk's daily warning (``manage.py send_desk_warnings``, see
  ``reviews.desk.warn_desk``): whoever plans the calendar, about slots in
  the next 48 hours that are empty or not approved.

The editing service reports a move (``tell_of_move``) and the comment
service a comment (``tell_of_comment``) by queueing a task once the change
has committed: nothing is said about a change that rolled back, and the
request that made the change does no more than queue it. Changes made by
the system (an import, a scheduled update falling due) tell nobody.

The task worker works out who is concerned and tells each of them. Every
event has a name (“revision:123”, “comment:45”, “desk:2026-09-03”), and a
person hears of one event once, however often its task runs: one row in
their list in the admin (``Notification`` is unique per event and
recipient) and, if they want email, one email, itself a task
(:func:`email_notification`). Nobody is told of their own doing; a kind
someone turned off in their notification settings tells them nothing;
someone who could not see the review is not told about it.

Tasks follow the project's rule for them: ids as arguments, the rows read
when the task runs, safe to run twice, and settings decide where they run
(``settings.TASKS``).
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from kdrama_rewind.tasks import enqueue_on_commit

from . import permissions
from .models import (
    Anchor,
    Comment,
    Notification,
    NotificationKind,
    NotificationSettings,
    Review,
    Revision,
)
from .status import APPROVED_STATUSES, Status

logger = logging.getLogger(__name__)
Kind = NotificationKind


def name_of(user) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def review_url(review: Review) -> str:
    return reverse("admin:reviews_review_change", args=[review.pk])


def settings_for(users: Iterable) -> dict[int, NotificationSettings]:
    """Each user's settings; everything is on for someone who changed nothing."""
    users = list(users)
    stored = {s.user_id: s for s in NotificationSettings.objects.filter(user__in=users)}
    return {user.pk: stored.get(user.pk) or NotificationSettings(user=user) for user in users}


def notify(
    *,
    event: str,
    kind: str,
    recipients: Iterable,
    message: str,
    url: str,
    review: Review | None = None,
    actor=None,
    detail: str = "",
) -> list[Notification]:
    """Tell ``recipients`` of ``event``: those who have not heard of it yet,
    are not its actor, can sign in and have not turned ``kind`` off. Returns
    the notifications made now; their emails go once this transaction
    commits."""
    people = {
        user.pk: user
        for user in recipients
        if user is not None
        and user.is_active
        and user.is_staff
        and (actor is None or user.pk != actor.pk)
    }
    made = []
    for user_id, choice in settings_for(people.values()).items():
        if not choice.wants(kind):
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=people[user_id],
                    kind=kind,
                    event=event,
                    review=review,
                    actor=actor,
                    message=Truncator(message).chars(500),
                    detail=detail,
                    url=url,
                )
        except IntegrityError:
            continue  # already told of this event
        made.append(notification)
        if choice.wants_email(kind) and people[user_id].email:
            enqueue_on_commit(email_notification, notification.pk)
    return made


# ---------------------------------------------------------------- the events


@task
def tell_of_move(revision_id: int, before: str | None) -> int:
    """Tell people of the move ``revision`` recorded, from status ``before``;
    returns how many were told."""
    return len(review_moved(revision_id=revision_id, before=before))


@task
def tell_of_comment(comment_id: int) -> int:
    """Tell the people in a comment's conversation; returns how many were told."""
    return len(commented(comment_id=comment_id))


def editors():
    return get_user_model().objects.with_perm(permissions.PUBLISH).filter(is_staff=True)


def writer_of(review: Review):
    return review.author.user if review.author_id and review.author.user_id else None


def review_moved(*, revision_id: int, before: str | None) -> list[Notification]:
    """Tell people that a review moved from status ``before`` (None: it is
    new) to the status recorded by ``revision``."""
    revision = (
        Revision.objects.select_related("review__author__user", "created_by", "send_back")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None or revision.snapshot is None:
        return []
    review, by = revision.review, revision.created_by
    after = revision.snapshot["status"]
    title, who = revision.snapshot["title"], name_of(by)
    common = {"event": f"revision:{revision.pk}", "review": review, "actor": by}
    if after == Status.REVIEW and before != Status.REVIEW:
        return notify(
            **common,
            kind=Kind.SUBMITTED,
            recipients=editors(),
            message=f"{who} sent “{title}” for review",
            url=review_url(review),
        )
    if before == Status.REVIEW and after == Status.DRAFT:
        note = getattr(revision, "send_back", None)
        return notify(
            **common,
            kind=Kind.SENT_BACK,
            recipients=[writer_of(review)],
            message=f"{who} sent “{title}” back to you",
            detail=note.note if note else "",
            url=review_url(review),
        )
    if after in APPROVED_STATUSES and before not in APPROVED_STATUSES:
        if after == Status.SCHEDULED and review.published_at:
            when = f"{timezone.localtime(review.published_at):%d %b %Y, %H:%M}"
            kind, message = Kind.APPROVED, f"{who} approved “{title}”: it goes out {when}"
        else:
            kind, message = Kind.PUBLISHED, f"{who} published “{title}”"
        return notify(
            **common,
            kind=kind,
            recipients=[writer_of(review)],
            message=message,
            url=review_url(review),
        )
    return []


def commented(*, comment_id: int) -> list[Notification]:
    """Tell the review's writer and the people in the thread of a comment."""
    comment = (
        Comment.objects.select_related("review__author__user", "author", "thread")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return []
    review, root = comment.review, comment.thread or comment
    if comment.thread_id is None:
        others = Comment.objects.filter(review=review)
    else:
        others = Comment.objects.filter(Q(pk=root.pk) | Q(thread=root))
    writers = others.exclude(author=None).values("author")
    people = {user.pk: user for user in get_user_model().objects.filter(pk__in=writers)}
    if writer := writer_of(review):
        people.setdefault(writer.pk, writer)
    who = name_of(comment.author)
    if comment.thread_id is None:
        about = f" ({Anchor(comment.field).label.lower()})" if comment.field else ""
        message = f"{who} commented on “{review.title}”{about}"
    else:
        message = f"{who} replied to a comment on “{review.title}”"
    return notify(
        event=f"comment:{comment.pk}",
        kind=Kind.COMMENT,
        recipients=[u for u in people.values() if permissions.can_discuss(u, review)],
        message=message,
        detail=(f"“{comment.quote}”\n\n" if comment.quote else "") + comment.text,
        url=comment.get_absolute_url(),
        review=review,
        actor=comment.author,
    )


# ---------------------------------------------------------------- email


@task
def email_notification(notification_id: int) -> bool:
    """Email one notification to its recipient, unless it has gone already
    or they no longer want it. Returns whether it was sent. Safe to run
    twice; a mail server that refuses raises, and the notification stays
    unsent for a later run."""
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    wanted = settings_for([recipient])[recipient.pk].wants_email(notification.kind)
    if not (wanted and recipient.is_active and recipient.email):
        return False
    unsent = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
    if not unsent.update(emailed_at=timezone.now()):
        return False  # another run of this task has it
    try:
        notification_email(notification).send()
    except BaseException:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


def notification_email(notification: Notification) -> EmailMessage:
    context = {
        "notification": notification,
        "url": settings.SITE_URL + notification.url,
        "settings_url": settings.SITE_URL + reverse("admin:notification_settings"),
        "site_name": settings.SITE_NAME,
    }
    subject = Truncator(notification.message).chars(150).replace("\n", " ")
    return EmailMessage(
        subject=f"[{settings.SITE_NAME} newsroom] {subject}",
        body=render_to_string("emails/notification.txt", context),
        to=[notification.recipient.email],
    )
