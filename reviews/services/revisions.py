"""Revisions: every save of a review is kept as a snapshot (see
``reviews.services.snapshots``) that can be compared with any other and
restored. A scheduled update is a revision waiting for its time
(``reviews.services.updates``)."""

import time
from datetime import datetime

from django.core.cache import cache

from kdrama_rewind.caching.backend import on_recovery

from ..models import Review, Revision
from .snapshots import compare, snapshot, summarize

NEXT_UPDATE_CACHE_KEY = "reviews:next-scheduled-update"
NEXT_UPDATE_CACHE_SECONDS = 60


# ---------------------------------------------------------------- recording


def record_revision(
    *,
    review: Review,
    by,
    kind: str = Revision.Kind.EDIT,
    summary: str | None = None,
    via: str = "",
) -> Revision:
    """Keep the review as it now stands. The summary says what changed since
    the previous revision unless one is given."""
    current = snapshot(review)
    if summary is None:
        previous = review.revisions.snapshots().first()
        summary = summarize(compare(previous.snapshot, current)) if previous else "Created"
    return Revision.objects.create(
        review=review,
        version=review.version,
        kind=kind,
        summary=summary[:500],
        via=via[:300],
        snapshot=current,
        created_by=by,
    )


def revisions_since(review: Review, version: int):
    """Saves made after ``version``: who changed what while a form was open."""
    return review.revisions.snapshots().filter(version__gt=version).select_related("created_by")


# ---------------------------------------------------------------- when updates fall due

# This process's own memory of the answer, for a few seconds: it spares
# every request a trip to the cache (or, with no shared cache, the database).
_remembered: tuple[float, datetime | None] | None = None
REMEMBER_SECONDS = 5


def forget_next_update() -> None:
    global _remembered
    _remembered = None
    cache.delete(NEXT_UPDATE_CACHE_KEY)


def _forget_after_an_outage(direct_cache) -> None:
    """An update scheduled while the cache failed could not drop the answer
    kept there: once it answers again, ask the database. (What this process
    remembers meanwhile came from the database, and is forgotten in seconds.)"""
    direct_cache.delete(NEXT_UPDATE_CACHE_KEY)


on_recovery(_forget_after_an_outage)


def next_update_at() -> datetime | None:
    """When the next scheduled update falls due, cached for a minute (and
    remembered by each process for a few seconds) so that requests do not
    each ask the database."""
    global _remembered
    if _remembered is not None and _remembered[0] > time.monotonic():
        return _remembered[1]
    cached = cache.get(NEXT_UPDATE_CACHE_KEY, default=False)
    if cached is False:
        cached = Revision.objects.next_apply_at()
        cache.set(NEXT_UPDATE_CACHE_KEY, cached, NEXT_UPDATE_CACHE_SECONDS)
    _remembered = (time.monotonic() + REMEMBER_SECONDS, cached)
    return cached
