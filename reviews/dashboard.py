"""The admin's home page: what needs each person now.

A writer sees their own work: what came back to them (with the editor's
note), their drafts, what is in review, scheduled, and recently published
with its corrections. An editor sees what waits for them: reviews in
review, oldest first, with how long each has waited; the next seven days'
schedule; what went out today; drafts nobody has touched for two weeks.
The desk sees the column calendar's next slots with their warnings, the
same ones its daily warning reports. Someone with several roles sees each
part; everyone sees their latest notifications.

Every list is one query with a limit (and a link to the whole list), so the
page costs the same number of queries whatever the size of the archive.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from people.models import Author

from . import permissions
from .desk import Slot, build_calendar
from .models import Comment, Correction, Notification, Review, SendBack
from .status import State, Status

ROWS = 8
STALE_AFTER = timedelta(days=14)
RECENTLY = timedelta(days=30)
SCHEDULE_AHEAD = timedelta(days=7)
SLOTS_PER_COLUMN = 3


@dataclass
class Panel:
    title: str
    rows: list
    empty: str
    more_url: str = ""
    kind: str = "reviews"  # how the rows read: reviews, sent_back, slots

    @property
    def more(self) -> bool:
        return len(self.rows) > ROWS

    @property
    def shown(self) -> list:
        return self.rows[:ROWS]


@dataclass
class Dashboard:
    writer: list[Panel] = field(default_factory=list)
    editor: list[Panel] = field(default_factory=list)
    desk: list[Panel] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    unread: int = 0
    needs_byline: bool = False  # a writer whose login is not linked to a byline


def open_comments():
    """The number of open comment threads on each review."""
    threads = (
        Comment.objects.open()
        .filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(threads, output_field=IntegerField()), 0)


def review_rows(queryset):
    """What a row shows: the headline, byline and state, without the long texts."""
    return (
        queryset.select_related("author")
        .defer("body", "search_text", "body_html", "name_checks_dismissed")
        .annotate(open_comments=open_comments())
    )


def changelist(**filters) -> str:
    return reverse("admin:reviews_review_changelist") + "?" + urlencode(filters)


def build_dashboard(*, user, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    board = Dashboard()
    if user.has_perm("reviews.change_review"):
        author = Author.objects.filter(user=user).first()
        if author is not None:
            board.writer = writer_panels(author, now)
        elif not user.has_perm(permissions.EDIT_ANY):
            board.needs_byline = True
    if permissions.can_publish(user):
        board.editor = editor_panels(now)
    if user.has_perm(permissions.SCHEDULE):
        board.desk = desk_panels(now)
    board.notifications = list(Notification.objects.filter(recipient=user)[:ROWS])
    board.unread = Notification.objects.filter(recipient=user).unread().count()
    return board


def writer_panels(author: Author, now: datetime) -> list[Panel]:
    mine = Review.objects.filter(author=author)
    sent_back = SendBack.objects.open().filter(review=OuterRef("pk"))
    by_author = {"author__id__exact": author.pk}
    return [
        Panel(
            "Sent back to me",
            list(
                review_rows(mine.filter(Exists(sent_back), status=Status.DRAFT))
                .prefetch_related(
                    Prefetch(
                        "send_backs",
                        SendBack.objects.open().select_related("created_by"),
                        to_attr="open_send_backs",
                    )
                )
                .order_by("-modified_at", "-pk")[: ROWS + 1]
            ),
            "Nothing has come back to you.",
            changelist(**by_author, state=State.DRAFT),
            kind="sent_back",
        ),
        Panel(
            "My drafts",
            list(
                review_rows(mine.filter(status=Status.DRAFT).exclude(Exists(sent_back))).order_by(
                    "-modified_at", "-pk"
                )[: ROWS + 1]
            ),
            "No drafts.",
            changelist(**by_author, state=State.DRAFT),
        ),
        Panel(
            "In review",
            list(
                review_rows(mine.filter(status=Status.REVIEW)).order_by("submitted_at", "pk")[
                    : ROWS + 1
                ]
            ),
            "Nothing of yours is waiting for an editor.",
            changelist(**by_author, state=State.REVIEW),
        ),
        Panel(
            "Scheduled",
            list(review_rows(mine.upcoming()).order_by("published_at", "pk")[: ROWS + 1]),
            "Nothing of yours is scheduled.",
            changelist(**by_author, state=State.SCHEDULED),
        ),
        Panel(
            "Recently published",
            list(
                review_rows(mine.published().filter(published_at__gte=now - RECENTLY))
                .prefetch_related(Prefetch("corrections", Correction.objects.order_by("noted_at")))
                .order_by("-published_at", "-pk")[: ROWS + 1]
            ),
            f"Nothing of yours went out in the last {RECENTLY.days} days.",
            changelist(**by_author, state=State.LIVE),
            kind="published",
        ),
    ]


def editor_panels(now: datetime) -> list[Panel]:
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        Panel(
            "Waiting for review",
            list(
                review_rows(Review.objects.filter(status=Status.REVIEW)).order_by(
                    "submitted_at", "pk"
                )[: ROWS + 1]
            ),
            "Nothing is waiting for review.",
            changelist(state=State.REVIEW),
            kind="waiting",
        ),
        Panel(
            f"Scheduled in the next {SCHEDULE_AHEAD.days} days",
            list(
                review_rows(
                    Review.objects.upcoming().filter(published_at__lte=now + SCHEDULE_AHEAD)
                ).order_by("published_at", "pk")[: ROWS + 1]
            ),
            "Nothing is scheduled for the coming week.",
            changelist(state=State.SCHEDULED),
        ),
        Panel(
            "Published today",
            list(
                review_rows(Review.objects.published().filter(published_at__gte=today)).order_by(
                    "-published_at", "-pk"
                )[: ROWS + 1]
            ),
            "Nothing has gone out today yet.",
            changelist(state=State.LIVE),
        ),
        Panel(
            "Stale drafts",
            list(
                review_rows(
                    Review.objects.in_state(State.DRAFT).filter(modified_at__lt=now - STALE_AFTER)
                ).order_by("modified_at", "pk")[: ROWS + 1]
            ),
            f"No draft has been left alone for {STALE_AFTER.days} days.",
            changelist(state=State.DRAFT),
            kind="stale",
        ),
    ]


def desk_panels(now: datetime) -> list[Panel]:
    panels = []
    for calendar in build_calendar(now=now, ideas=False):
        upcoming: list[Slot] = [slot for slot in calendar.slots if not slot.past]
        panels.append(
            Panel(
                f"Next slots: {calendar.column}",
                upcoming[:SLOTS_PER_COLUMN],
                "No slots in the coming weeks.",
                reverse("admin:reviews_column_calendar"),
                kind="slots",
            )
        )
    return panels
