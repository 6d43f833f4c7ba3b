"""Making reviews' “Up Next” lists again when what ranks them changes.

- :func:`refresh_up_next`: the lists of the given reviews, in one batch
  (about ten queries however many), replacing what was stored where it
  differs.
- :func:`refresh_up_next_around`: after a review changed what ranks it (its
  status, publish time, dramas, people, tags, column or picks): its own
  list and those of the reviews it may appear in, which are the newest
  approved reviews of each drama, person, tag and column it has or had
  (the only ones whose ranking considers it), every list that offers it
  now and every review pinning it.
- :func:`rebuild_up_next`: every review's list, in batches, for
  ``manage.py regenerate_reviews``.

The editing service calls the second in the same transaction as the
change: if anything fails, the change and its lists roll back together.
A list made before a review went live, or was taken down, stays correct in
between: the page keeps only what is live when it is drawn.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from kdrama_rewind.caching.dependencies import invalidate_on_commit

from ..cache_keys import up_next_key
from ..status import APPROVED_STATUSES
from ..up_next import CANDIDATES_PER_SIGNAL, Kind, Signal, rank

BATCH = 500
# For each many-to-many signal: the review's field (or the link model), the
# related object's and the review's column in the link table, and the
# related object's name field and the reason it gives.
LINKS = {
    Kind.DRAMA: ("dramas", "drama", "review", "title", "Also about {}"),
    Kind.PERSON: ("featured_people", "person", "review", "name", "Also stars {}"),
    Kind.TAG: ("TaggedReview", "tag", "content_object", "name", "More on {}"),
}


class Models:
    """The models the ranking reads, from an app registry: the project's,
    or a migration's historical one (``reviews/migrations/0012``)."""

    def __init__(self, apps=django_apps):
        self.Review = apps.get_model("reviews", "Review")
        self.UpNextEntry = apps.get_model("reviews", "UpNextEntry")
        self.Picks = self.Review.up_next_picks.through
        self.links = {
            kind: (
                apps.get_model("reviews", field)
                if field[0].isupper()
                else getattr(self.Review, field).through,
                *rest,
            )
            for kind, (field, *rest) in LINKS.items()
        }


def signals_of(review_ids: Iterable[int], models=None) -> dict[int, list[Signal]]:
    """What each review has that ranks others: dramas, people, tags, column."""
    models = models or Models()
    review_ids = list(review_ids)
    found: dict[int, list[Signal]] = defaultdict(list)
    for kind, (through, related, own, name, reason) in models.links.items():
        rows = (
            through.objects.filter(**{f"{own}_id__in": review_ids})
            .order_by(f"{related}__{name}", f"{related}_id")
            .values_list(f"{own}_id", f"{related}_id", f"{related}__{name}")
        )
        for review_id, pk, label in rows:
            found[review_id].append(Signal(kind, pk, reason.format(label)))
    columns = models.Review.objects.filter(pk__in=review_ids, column__isnull=False)
    for review_id, column_id in columns.values_list("pk", "column_id"):
        found[review_id].append(Signal(Kind.COLUMN, column_id, ""))
    return found


def members_of(
    signals: Iterable[Signal], models=None, *, approved: bool = True, known: dict | None = None
) -> dict[tuple[str, int], list]:
    """The newest ``CANDIDATES_PER_SIGNAL`` approved reviews of each drama,
    person, tag and column among ``signals``, as (pk, publish time); with
    ``approved=False``, the newest made of any status (drafts have lists
    too, for their previews). ``known``: what an earlier call found, kept
    across the batches of a rebuild (every batch shares the same tags and
    columns, whose link lists are the long ones)."""
    models = models or Models()
    members = {} if known is None else known
    wanted: dict[str, set[int]] = defaultdict(set)
    for signal in signals:
        if (signal.kind, signal.pk) not in members:
            wanted[signal.kind].add(signal.pk)
    for kind, pks in wanted.items():
        members.update({(kind, pk): [] for pk in pks})
        if kind == Kind.COLUMN:
            rows = models.Review.objects.filter(column_id__in=pks)
            related, review = "column_id", ""
        else:
            through, name, own, *_ = models.links[kind]
            rows = through.objects.filter(**{f"{name}_id__in": pks})
            related, review = f"{name}_id", f"{own}__"
        newest = [F(f"{review}published_at").desc(), F(f"{review}id").desc()]
        if approved:
            rows = rows.filter(**{f"{review}status__in": APPROVED_STATUSES})
        else:
            newest = newest[1:]
        rows = (
            rows.annotate(place=Window(RowNumber(), partition_by=F(related), order_by=newest))
            .filter(place__lte=CANDIDATES_PER_SIGNAL)
            .order_by(related, "place")
            .values_list(related, f"{review}id", f"{review}published_at")
        )
        for pk, review_id, published_at in rows:
            members[kind, pk].append((review_id, published_at))
    return members


def refresh_up_next(*, review_ids: Iterable[int], models=None, known=None) -> int:
    """Make the stored lists of these reviews again; returns how many.
    ``known``: as :func:`members_of` takes it."""
    review_ids = sorted(set(review_ids))
    _remake(review_ids, models or Models(), known)
    return len(review_ids)


def _remake(review_ids: list[int], models: Models, known) -> list[int]:
    """The lists of these reviews made again: the ids of those that changed."""
    with transaction.atomic():
        _one_writer_at_a_time()
        return _refresh(review_ids=review_ids, models=models, known=known)


# Lists are remade by deleting and writing a review's rows: two editors whose
# reviews share a neighbour would each delete the old rows and write new ones
# for it (a duplicate position), so on PostgreSQL one transaction at a time
# remakes lists, the next one reading what the last committed.
UP_NEXT_LOCK = 0x5550_4E58  # "UPNX"


def _one_writer_at_a_time() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [UP_NEXT_LOCK])


def _refresh(*, review_ids, models, known) -> list[int]:
    UpNextEntry = models.UpNextEntry
    now = timezone.now()
    signals = signals_of(review_ids, models)
    wanted = (s for found in signals.values() for s in found)
    members = members_of(wanted, models, known=known)
    picks = defaultdict(list)
    rows = (
        models.Picks.objects.filter(
            from_review_id__in=review_ids, to_review__status__in=APPROVED_STATUSES
        )
        .order_by("-to_review__published_at", "-to_review_id")
        .values_list("from_review_id", "to_review_id", "to_review__published_at")
    )
    for review_id, pk, published_at in rows:
        picks[review_id].append((pk, published_at))
    lists = {}
    for review_id in review_ids:
        ranked = rank(
            review_id=review_id,
            picks=picks[review_id],
            signals=signals[review_id],
            members=members,
            now=now,
        )
        lists[review_id] = [
            (r.candidate, position, r.kind, r.reason) for position, r in enumerate(ranked)
        ]
    # Only the lists that come out different are written: a review moving in
    # or out of a tag's newest changes a fifth of the lists around it.
    stored = defaultdict(list)
    rows = UpNextEntry.objects.filter(review_id__in=review_ids).order_by("review_id", "position")
    for review_id, *entry in rows.values_list(
        "review_id", "candidate_id", "position", "kind", "reason"
    ):
        stored[review_id].append(tuple(entry))
    changed = [pk for pk in review_ids if lists[pk] != stored[pk]]
    UpNextEntry.objects.filter(review_id__in=changed).delete()
    UpNextEntry.objects.bulk_create(
        [
            UpNextEntry(
                review_id=review_id,
                candidate_id=candidate,
                position=position,
                kind=kind,
                reason=reason,
            )
            for review_id in changed
            for candidate, position, kind, reason in lists[review_id]
        ],
        batch_size=1000,
    )
    return changed


def neighbours(review_id: int, signals: Iterable[Signal]) -> set[int]:
    """The reviews whose lists may offer ``review_id``, given what it has
    or had (``signals``): those sharing them, those offering it now, and
    those whose editors pinned it (a pick taken down and published again
    shares nothing with the review picking it, which no longer offers it)."""
    models = Models()
    found = {pk for ranked in members_of(signals, approved=False).values() for pk, _ in ranked}
    offering = models.UpNextEntry.objects.filter(candidate_id=review_id)
    found.update(offering.values_list("review_id", flat=True))
    picking = models.Picks.objects.filter(to_review_id=review_id)
    found.update(picking.values_list("from_review_id", flat=True))
    found.discard(review_id)
    return found


def refresh_up_next_around(
    *, review, before: Iterable[Signal] = (), after: Iterable[Signal] | None = None
) -> int:
    """After ``review`` changed what ranks it: its own list and those it
    may appear in, before the change (``before``: its signals then) and
    after (``after``: its signals now, read unless given). Returns how many
    lists were made. The pages showing a list that changed are made again
    once the change commits (``cache_keys.up_next_key``)."""
    after = signals_of([review.pk])[review.pk] if after is None else after
    around = sorted({review.pk, *neighbours(review.pk, [*before, *after])})
    changed = _remake(around, Models(), None)
    invalidate_on_commit([up_next_key(pk) for pk in changed])
    return len(around)


def rebuild_up_next(
    *, progress: Callable[[int, int], None] = lambda done, total: None, apps=django_apps
) -> int:
    """Every review's list, ``BATCH`` at a time; ``progress`` hears how
    many are done (of how many) after each batch."""
    models = Models(apps)
    pks = list(models.Review.objects.order_by("pk").values_list("pk", flat=True))
    known = {}
    for start in range(0, len(pks), BATCH):
        refresh_up_next(review_ids=pks[start : start + BATCH], models=models, known=known)
        known = {key: found for key, found in known.items() if key[0] in (Kind.TAG, Kind.COLUMN)}
        progress(min(start + BATCH, len(pks)), len(pks))
    return len(pks)
