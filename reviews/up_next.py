"""“Up Next”: what to read after a review.

Editor-pinned picks come first, then other public reviews ranked by what they
share with this one: a drama counts most, then a featured person, then a tag,
then the column; newest first on ties. Each signal looks only at the
``LINKS_PER_SIGNAL`` most recently made links (a popular tag has thousands),
and of those at the newest ``CANDIDATES_PER_SIGNAL`` public reviews, so the
cost is a handful of indexed queries whatever the size of the archive.
"""

from collections import defaultdict
from dataclasses import dataclass

from .models import Review, TaggedReview

WEIGHTS = {"dramas": 8, "featured_people": 4, "tags": 2, "column": 1}
CANDIDATES_PER_SIGNAL = 50
LINKS_PER_SIGNAL = 500
# For each many-to-many signal: its link table, and that table's columns
# for the related object and for the review.
LINKS = {
    "dramas": (Review.dramas.through, "drama_id", "review_id"),
    "featured_people": (Review.featured_people.through, "person_id", "review_id"),
    "tags": (TaggedReview, "tag_id", "content_object_id"),
}


@dataclass(frozen=True)
class UpNextPick:
    review: Review
    reason: str


def up_next_for(
    review: Review, *, dramas=(), people=(), tags=(), limit: int = 4
) -> list[UpNextPick]:
    """Rank up to ``limit`` public reviews to follow ``review``.

    ``dramas``, ``people`` and ``tags`` are the review's own, already loaded
    by the page, so reasons can name them without another query.
    """
    public = Review.objects.published().exclude(pk=review.pk)
    pinned = [
        UpNextPick(pick, "Editor’s pick")
        for pick in public.filter(picked_by=review).for_cards()[:limit]
    ]
    wanted = limit - len(pinned)
    if wanted <= 0:
        return pinned
    exclude = [pick.review.pk for pick in pinned]
    candidates = public.exclude(pk__in=exclude)

    scores: dict[int, int] = defaultdict(int)
    newest: dict[int, tuple] = {}
    reasons: dict[int, tuple[int, str]] = {}

    def consider(review_id, published_at, weight, reason):
        scores[review_id] += weight
        newest[review_id] = (published_at, review_id)
        if review_id not in reasons or reasons[review_id][0] < weight:
            reasons[review_id] = (weight, reason)

    signals = [
        ("dramas", {d.pk: f"Also about {d.title}" for d in dramas}),
        ("featured_people", {p.pk: f"Also stars {p.name}" for p in people}),
        ("tags", {t.pk: f"More on {t.name}" for t in tags}),
    ]
    for relation, named in signals:
        if not named:
            continue
        # Start from the link table: walking the newest reviews for a rare
        # tag would read the whole archive.
        through, related, review_column = LINKS[relation]
        recent = (
            through.objects.filter(**{f"{related}__in": list(named)})
            .order_by(f"-{review_column}")
            .values(review_column)[:LINKS_PER_SIGNAL]
        )
        rows = (
            candidates.filter(pk__in=recent, **{f"{relation}__in": list(named)})
            .order_by("-published_at", "-id")
            .values_list("id", "published_at", relation)[:CANDIDATES_PER_SIGNAL]
        )
        for review_id, published_at, related_id in rows:
            consider(review_id, published_at, WEIGHTS[relation], named[related_id])
    if review.column_id:
        rows = (
            candidates.filter(column_id=review.column_id)
            .order_by("-published_at", "-id")
            .values_list("id", "published_at")[:CANDIDATES_PER_SIGNAL]
        )
        column_name = review.column.name
        for review_id, published_at in rows:
            consider(review_id, published_at, WEIGHTS["column"], f"More {column_name}")

    ranked = sorted(scores, key=lambda pk: (scores[pk], newest[pk]), reverse=True)[:wanted]
    found = candidates.filter(pk__in=ranked).for_cards().in_bulk()
    return pinned + [UpNextPick(found[pk], reasons[pk][1]) for pk in ranked if pk in found]
