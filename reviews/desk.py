"""The Rewind desk: the column calendar, its warnings and suggestions, and
the iCalendar feed staff subscribe to.

A column with a cadence (weekly on Friday at 09:00, say) has slots. A review
of that column whose publish time is a slot's time sits in that slot; it
goes out then if an editor has approved it (status “scheduled”), and the
calendar warns while it is not.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import icalendar
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from . import notifications, permissions
from .models import Column, Drama, NotificationKind, Review, Revision
from .services import ReviewEdit, TransitionError, edit_review
from .services.transitions import describe_move
from .times import when

WEEKS_AHEAD = 8
WEEKS_BACK = 4
EMPTY_WARNING = timedelta(days=7)
APPROVAL_WARNING = timedelta(hours=48)
ANNIVERSARIES = (5, 10, 15, 20)
ANNIVERSARY_WINDOW_DAYS = 45
SUGGESTIONS_PER_SLOT = 3
SLOT_LENGTH = timedelta(minutes=30)  # how long a slot shows in a calendar app


@dataclass(frozen=True)
class Suggestion:
    drama: Drama
    reason: str


@dataclass
class Slot:
    column: Column
    at: datetime
    reviews: list[Review] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    past: bool = False

    @property
    def went_out(self) -> list[Review]:
        return [r for r in self.reviews if r.is_published()]


@dataclass
class ColumnCalendar:
    column: Column
    slots: list[Slot]
    off_slot: list[Review]  # planned for the column at a time that is not a slot


def build_calendar(
    *, now: datetime | None = None, columns=None, ideas: bool = True
) -> list[ColumnCalendar]:
    """Each column's slots from four weeks back to eight ahead, with what is
    in them and their warnings; with ``ideas``, dramas to suggest for the
    empty ones. Two queries, whatever the archive's size (and one more for
    ideas)."""
    now = now or timezone.now()
    start, end = now - timedelta(weeks=WEEKS_BACK), now + timedelta(weeks=WEEKS_AHEAD)
    columns = [c for c in (columns or Column.objects.all()) if c.has_cadence]
    planned = defaultdict(list)
    reviews = (
        Review.objects.filter(column__in=columns, published_at__gte=start, published_at__lt=end)
        .select_related("author")
        .defer("body", "search_text", "body_html", "name_checks_dismissed")
        .order_by("published_at", "pk")
    )
    for review in reviews:
        planned[review.column_id].append(review)
    calendars = []
    for column in columns:
        by_time = defaultdict(list)
        for review in planned[column.pk]:
            by_time[review.published_at].append(review)
        slots = [
            Slot(column, at, by_time.pop(at, []), past=at <= now)
            for at in column.slots_between(start, end)
        ]
        for slot in slots:
            slot.warnings = slot_warnings(slot, now)
        empty = [s for s in slots if not s.past and not s.reviews]
        if empty and ideas:
            suggest(column, empty)
        off_slot = [r for at in sorted(by_time) for r in by_time[at]]
        calendars.append(ColumnCalendar(column, slots, off_slot))
    return calendars


def slot_warnings(slot: Slot, now: datetime) -> list[str]:
    if slot.past:
        if not slot.went_out:
            return ["Nothing went out in this slot."]
        return []
    warnings = []
    until = slot.at - now
    if not slot.reviews and until <= EMPTY_WARNING:
        warnings.append(f"Empty, and due in {_duration(until)}.")
    if len(slot.reviews) > 1:
        warnings.append(f"{len(slot.reviews)} reviews in one slot: move all but one.")
    if until <= APPROVAL_WARNING:
        for review in slot.reviews:
            if review.status not in Review.APPROVED_STATUSES:
                warnings.append(
                    f"“{review}” is {review.get_status_display().lower()}, not approved, "
                    f"and is due in {_duration(until)}."
                )
    return warnings


def slots_needing_attention(
    *, now: datetime | None = None, within: timedelta = APPROVAL_WARNING
) -> list[Slot]:
    """Slots due in the next ``within`` that have a warning (empty, not
    approved, crowded), soonest first."""
    now = now or timezone.now()
    return sorted(
        (
            slot
            for calendar in build_calendar(now=now, ideas=False)
            for slot in calendar.slots
            if not slot.past and slot.at - now <= within and slot.warnings
        ),
        key=lambda slot: (slot.at, slot.column.name),
    )


def warn_desk(*, now: datetime | None = None, dry_run: bool = False) -> tuple[list[Slot], list]:
    """The desk's daily warning: tell whoever plans the calendar about slots
    in the next 48 hours that need them. One notification per person a
    day, however often this runs. Returns the slots and the notifications
    made (none with ``dry_run``)."""
    now = now or timezone.now()
    slots = slots_needing_attention(now=now)
    if not slots or dry_run:
        return slots, []
    lines = [
        f"{slot.column}, {timezone.localtime(slot.at):%a %d %b, %H:%M}: {' '.join(slot.warnings)}"
        for slot in slots
    ]
    count = f"{len(slots)} slot{'s' if len(slots) != 1 else ''}"
    made = notifications.notify(
        event=f"desk:{timezone.localdate(now).isoformat()}",
        kind=NotificationKind.DESK,
        recipients=get_user_model().objects.with_perm(permissions.SCHEDULE).filter(is_staff=True),
        message=f"{count} in the next 48 hours need{'s' if len(slots) == 1 else ''} attention",
        detail="\n".join(lines),
        url=reverse("admin:reviews_column_calendar"),
    )
    return slots, made


def _duration(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


def suggest(column: Column, slots: list[Slot]) -> None:
    """Fill each empty slot's suggestions: dramas the column has never
    revisited, those with a 5/10/15/20-year anniversary near the slot
    first, then those nothing has been written about for longest."""
    revisited = Review.objects.filter(column=column).values("dramas")
    public = Review.objects.published()
    dramas = list(
        Drama.objects.exclude(pk__in=revisited)
        .annotate(last_run=Max("reviews__published_at", filter=Q(reviews__in=public)))
        .order_by("title")
    )
    for slot in slots:
        ranked = sorted((_rank(d, slot.at.date()) for d in dramas), key=lambda r: r[0])
        slot.suggestions = [Suggestion(d, reason) for _, d, reason in ranked[:SUGGESTIONS_PER_SLOT]]


def _rank(drama: Drama, day: date):
    anniversary = _nearest_anniversary(drama, day)
    never = drama.last_run is None
    since = (day - timezone.localtime(drama.last_run).date()).days if not never else 10**6
    if anniversary:
        years, distance, when = anniversary
        reason = f"{years} years since it first aired ({when})"
        return (0, distance, -since), drama, reason
    reason = "Nothing written on it yet" if never else f"Last covered {drama.last_run:%b %Y}"
    return (1, 0, -since), drama, reason


def _nearest_anniversary(drama: Drama, day: date):
    best = None
    for years in ANNIVERSARIES:
        if drama.first_aired:
            try:
                mark = drama.first_aired.replace(year=drama.first_aired.year + years)
            except ValueError:  # 29 February
                mark = drama.first_aired.replace(year=drama.first_aired.year + years, day=28)
            distance, when = abs((mark - day).days), f"{drama.first_aired:%d %b %Y}"
        elif drama.year + years == day.year:
            distance, when = ANNIVERSARY_WINDOW_DAYS, str(drama.year)
        else:
            continue
        if distance <= ANNIVERSARY_WINDOW_DAYS and (best is None or distance < best[1]):
            best = (years, distance, when)
    return best


def assign_to_slot(*, review: Review, column: Column, at: datetime, by) -> Review:
    """Put ``review`` in ``column``'s slot at ``at``: an approved review (or
    one an editor assigns) is scheduled for it; otherwise it is planned
    there until an editor approves it. One change, through the editing
    service: the column and the time move together or not at all."""
    if not permissions.can_schedule(by):
        raise TransitionError("Only the desk or an editor can plan the calendar.")
    if at not in column.slots_between(at - timedelta(minutes=1), at + timedelta(minutes=1)):
        raise TransitionError(f"{column} has no slot at {when(at, zone=True)}.")
    if review.is_published():
        raise TransitionError("This review is already published; unpublish it first.")
    if at <= timezone.now():
        raise TransitionError("Choose a slot in the future.")
    approved = review.status in Review.APPROVED_STATUSES or permissions.can_publish(by)
    return edit_review(
        review=review,
        edit=ReviewEdit(
            fields={"column": column},
            status=Review.Status.SCHEDULED if approved else review.status,
            published_at=at,
        ),
        by=by,
        via="the desk calendar",
        expect_state=(review.status, review.published_at),
        kind=Revision.Kind.STATUS,
        summary=lambda before, after: f"Put in {column}’s slot: {describe_move(before, after)}",
    ).review


# ---------------------------------------------------------------- iCalendar

# RFC 5545 text holds no control characters but tab and line feed (which the
# library escapes); one pasted into a headline is left out, so a calendar
# app does not refuse the whole feed.
NOT_ICS_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def ics_feed(*, calendars: list[ColumnCalendar], base_url: str, now: datetime) -> str:
    """The upcoming slots as an RFC 5545 calendar, times in UTC."""
    feed = icalendar.Calendar()
    feed.add("version", "2.0")
    feed.add("prodid", "-//K-Drama Rewind//Desk calendar//EN")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", "K-Drama Rewind desk")
    for calendar in calendars:
        for slot in calendar.slots:
            if slot.past:
                continue
            if slot.reviews:
                titles = "; ".join(f"{r} ({r.state_label})" for r in slot.reviews)
                summary = f"{calendar.column}: {titles}"
                url = base_url + reverse("admin:reviews_review_change", args=[slot.reviews[0].pk])
            else:
                summary = f"{calendar.column}: empty slot"
                url = base_url + reverse("admin:reviews_column_calendar")
            at = slot.at.astimezone(UTC)
            event = icalendar.Event()
            event.add("uid", f"slot-{calendar.column.pk}-{at:%Y%m%dT%H%M%SZ}@kdrama-rewind")
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", at)
            event.add("duration", SLOT_LENGTH)
            event.add("summary", NOT_ICS_TEXT.sub("", summary))
            description = "\n".join([slot_state(slot), *slot.warnings])
            event.add("description", NOT_ICS_TEXT.sub("", description))
            event.add("url", url)
            feed.add_component(event)
    return feed.to_ical().decode()


def slot_state(slot: Slot) -> str:
    """Where a coming slot stands, in a line: empty, not approved, or on track."""
    if not slot.reviews:
        return "Empty slot: nothing is planned for it yet."
    waiting = [r for r in slot.reviews if r.status not in Review.APPROVED_STATUSES]
    if waiting:
        names = "; ".join(f"“{r}” ({r.get_status_display().lower()})" for r in waiting)
        return f"Not approved yet: {names}."
    if len(slot.reviews) > 1:
        return "Approved, but more than one review is in this slot."
    return "On track: approved, and goes out at this time."
