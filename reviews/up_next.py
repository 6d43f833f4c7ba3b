"""“Up Next”: what to read after a review.

Editor-pinned picks come first, then other reviews ranked by what they
share with this one: a drama counts most, then a featured person, then a
tag, then the column; newest first on ties. For each drama, person, tag and
column only its ``CANDIDATES_PER_SIGNAL`` newest approved reviews are
considered, so ranking costs the same whatever the size of the archive.

Ranking happens when something that ranks changes, never while a page is
drawn: :func:`rank` is a pure function of the data
``reviews.services.up_next`` loads, and its result is stored as
``UpNextEntry`` rows. The ranking takes approved reviews, scheduled ones
included, and the page (:func:`up_next_for`) keeps, in one query, only those
live at that moment: a scheduled review appears by itself when its time
comes, and one taken down is gone at once, before its lists are made again.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import router
from django.db.models import DateTimeField, IntegerField
from django.utils import timezone

from kdrama_rewind.data.statements import Slot, Statement

from .models import Review, UpNextEntry
from .models.reviews import card_columns

Kind = UpNextEntry.Kind
WEIGHTS = {Kind.DRAMA: 8, Kind.PERSON: 4, Kind.TAG: 2, Kind.COLUMN: 1}
CANDIDATES_PER_SIGNAL = 50
SHOWN = 4
# Live candidates kept beyond those shown: a take-down leaves the list full
# until it is made again. Scheduled ones ranked above them are kept too.
SPARE = 4
MOST_KEPT = 24


@dataclass(frozen=True)
class UpNextPick:
    review: Review
    reason: str


@dataclass(frozen=True)
class Signal:
    kind: str
    pk: int
    reason: str


@dataclass(frozen=True)
class Ranked:
    candidate: int
    kind: str
    reason: str


def rank(
    *,
    review_id: int,
    picks: list[tuple[int, datetime]],
    signals: list[Signal],
    members: dict[tuple[str, int], list[tuple[int, datetime]]],
    now: datetime,
) -> list[Ranked]:
    """The candidates to store for one review, best first.

    ``picks`` are its approved pinned picks (newest first); ``signals`` what
    it has (its dramas, people, tags, column); ``members`` the newest
    approved reviews of each (kind, pk), as (pk, publish time)."""
    ranked = [Ranked(pk, Kind.PICK, "Editor’s pick") for pk, _ in picks]
    when = dict(picks)
    taken = {pk for pk, _ in picks} | {review_id}
    scores: dict[int, int] = defaultdict(int)
    best: dict[int, tuple[int, Signal]] = {}
    for signal in signals:
        weight = WEIGHTS[signal.kind]
        for pk, published_at in members.get((signal.kind, signal.pk), ()):
            if pk in taken:
                continue
            scores[pk] += weight
            when[pk] = published_at
            if pk not in best or best[pk][0] < weight:
                best[pk] = (weight, signal)
    order = sorted(scores, key=lambda pk: (scores[pk], when[pk], pk), reverse=True)
    ranked += [Ranked(pk, best[pk][1].kind, best[pk][1].reason) for pk in order]
    kept, live = [], 0
    for entry in ranked:
        if live >= SHOWN + SPARE or len(kept) >= MOST_KEPT:
            break
        kept.append(entry)
        live += when[entry.candidate] <= now
    return kept


def _live_candidates(limit: int):
    """The review's first ``limit`` stored candidates that are live now, as
    cards, with how each was found (``LIVE_CANDIDATES``)."""
    return (
        Review.objects.published(at=Slot("now", DateTimeField()))
        .filter(offered_in__review=Slot("review", IntegerField()))
        .order_by("offered_in__position")
        .values_list(*card_columns().columns(), "offered_in__kind", "offered_in__reason")[:limit]
    )


# Kept: building the query (the candidates with their authors and columns)
# cost more than running it.
LIVE_CANDIDATES = Statement(_live_candidates)


def up_next_for(review: Review, *, limit: int = SHOWN) -> list[UpNextPick]:
    """Up to ``limit`` of the review's stored candidates that are live now:
    one query, which reads only what their cards show."""
    using, loaded = router.db_for_read(Review), card_columns()
    rows = LIVE_CANDIDATES.rows((limit,), using=using, now=timezone.now(), review=review.pk)
    column = review.column.name if review.column_id else ""
    return [
        UpNextPick(loaded.instance(using, row), f"More {column}" if kind == Kind.COLUMN else reason)
        for *row, kind, reason in rows
    ]
