"""The one definition of a review's status and of the states editors see.

A review's stored ``status`` says how far it has come through the newsroom:
a draft, in review, or approved to go out (``scheduled`` or ``published``).
Whether readers can see it also depends on the clock: an approved review is
*live* once its publish time has come, with nothing having to run at that
moment. Models, querysets, the import format, the admin's filters and
badges all read these names from here.
"""

from datetime import datetime

from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


# Approved to go out: public from the publish time on.
APPROVED_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)
STATUS_VALUES = tuple(Status.values)


class State(models.TextChoices):
    """What an editor means by where a review stands."""

    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    TAKEN_DOWN = "taken_down", "Taken down"


def is_approved(status: str) -> bool:
    return status in APPROVED_STATUSES


def is_live(status: str, published_at: datetime | None, now: datetime) -> bool:
    """Public at ``now``: approved, and its publish time has come."""
    return is_approved(status) and published_at is not None and published_at <= now


def state_of(
    status: str, published_at: datetime | None, taken_down_at: datetime | None, now: datetime
) -> State:
    if is_approved(status):
        return State.LIVE if is_live(status, published_at, now) else State.SCHEDULED
    if status == Status.REVIEW:
        return State.REVIEW
    return State.TAKEN_DOWN if taken_down_at is not None else State.DRAFT


def approved_q(prefix: str = "") -> Q:
    """``prefix`` ("candidate__", say) filters a related review instead."""
    return Q(**{f"{prefix}status__in": APPROVED_STATUSES})


def live_q(now: datetime, prefix: str = "") -> Q:
    return approved_q(prefix) & Q(**{f"{prefix}published_at__lte": now})


def state_q(state: str, now: datetime) -> Q:
    """The filter for reviews in ``state`` at ``now``; agrees with :func:`state_of`."""
    return {
        State.DRAFT: Q(status=Status.DRAFT, taken_down_at__isnull=True),
        State.REVIEW: Q(status=Status.REVIEW),
        State.SCHEDULED: approved_q() & Q(published_at__gt=now),
        State.LIVE: live_q(now),
        State.TAKEN_DOWN: Q(status=Status.DRAFT, taken_down_at__isnull=False),
    }[State(state)]
