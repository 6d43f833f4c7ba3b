"""Revisions: every save of a review is kept as a snapshot that can be
compared with any other and restored (``reviews.services.workflow``). A
scheduled update is a revision waiting for its time
(``reviews.services.updates``)."""

import difflib
import re
import time
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Review, Revision
from ..times import when

NEXT_UPDATE_CACHE_KEY = "reviews:next-scheduled-update"
NEXT_UPDATE_CACHE_SECONDS = 60

# Snapshot keys in the order a person reads a review, with their labels.
FIELDS = {
    "title": "Headline",
    "slug": "Slug",
    "standfirst": "Standfirst",
    "body": "Body",
    "hero_image": "Hero image",
    "hero_alt": "Hero alt text",
    "hero_caption": "Hero caption",
    "hero_credit": "Hero credit",
    "hero_focus": "Hero focal point",
    "author": "Author",
    "column": "Column",
    "dramas": "Dramas",
    "featured_people": "Featured people",
    "quotes": "Pull quotes",
    "tags": "Tags",
    "up_next_picks": "Pinned Up Next",
    "status": "Status",
    "published_at": "Publish time",
    "updated_at": "Last updated",
    "corrections": "Corrections",
}
TEXT_FIELDS = {"title", "standfirst", "body", "hero_alt", "hero_caption", "hero_credit"}
RESTORED_FIELDS = (
    "title", "slug", "standfirst", "body", "hero_image", "hero_alt", "hero_caption",
    "hero_credit", "hero_focus", "author", "column", "dramas", "featured_people", "quotes",
    "tags", "up_next_picks",
)  # fmt: skip
# What a snapshot kept before a key existed means.
MISSING = {"hero_focus": [50, 50]}


def _pair(obj, label_attr: str):
    return [obj.pk, getattr(obj, label_attr)] if obj is not None else None


def _moment(value: datetime | None):
    return value.isoformat() if value else None


def build_snapshot(
    *, values: dict, author, column, dramas, people, quotes, tags, picks, corrections
) -> dict:
    """A revision's content, JSON-ready: related objects as [id, name] pairs
    so a diff still reads well after they are renamed or deleted."""
    return {
        **{key: values.get(key, "") or "" for key in TEXT_FIELDS | {"slug"}},
        "hero_image": values.get("hero_image") or "",
        "hero_focus": list(values.get("hero_focus") or MISSING["hero_focus"]),
        "status": values.get("status", ""),
        "published_at": _moment(values.get("published_at")),
        "updated_at": _moment(values.get("updated_at")),
        "author": _pair(author, "name"),
        "column": _pair(column, "name"),
        "dramas": sorted(_pair(d, "title") for d in dramas),
        "featured_people": sorted(_pair(p, "name") for p in people),
        "quotes": sorted(_pair(q, "text") for q in quotes),
        "tags": sorted({str(t) for t in tags}, key=str.casefold),
        "up_next_picks": sorted(_pair(r, "title") for r in picks),
        "corrections": [
            [c.kind, _moment(c.noted_at), c.text] for c in sorted(corrections, key=_noted)
        ],
    }


def _noted(correction):
    return (correction.noted_at, correction.pk or 0)


def snapshot(review: Review) -> dict:
    return build_snapshot(
        values={
            **{key: getattr(review, key) for key in TEXT_FIELDS | {"slug"}},
            "hero_image": review.hero_image.name,
            "hero_focus": [review.hero_focus_x, review.hero_focus_y],
            "status": review.status,
            "published_at": review.published_at,
            "updated_at": review.updated_at,
        },
        author=review.author,
        column=review.column,
        dramas=review.dramas.all(),
        people=review.featured_people.all(),
        quotes=review.quotes.all(),
        tags=review.tags.all(),
        picks=review.up_next_picks.all(),
        corrections=review.corrections.all(),
    )


# ---------------------------------------------------------------- differences


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str

    @property
    def html(self) -> SafeString:
        """The change word by word: removed words in <del>, added in <ins>."""
        return word_diff(self.before, self.after)


def readable(key: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if key in ("published_at", "updated_at"):
        return when(datetime.fromisoformat(value))
    if key == "status":
        return dict(Review.Status.choices).get(value, value)
    if key == "hero_focus":
        return f"{value[0]}% across, {value[1]}% down"
    if key in ("author", "column"):
        return value[1]
    if key == "tags":
        return ", ".join(value)
    if key == "corrections":
        return "\n".join(
            f"{kind.title()} ({readable('updated_at', at)}): {text}" for kind, at, text in value
        )
    if isinstance(value, list):
        return ", ".join(str(item[1]) for item in value)
    return str(value)


def compare(old: dict, new: dict) -> list[Change]:
    """What differs between two snapshots, in reading order."""
    return [
        Change(key, label, readable(key, before), readable(key, after))
        for key, label in FIELDS.items()
        for before, after in [(old.get(key, MISSING.get(key)), new.get(key, MISSING.get(key)))]
        if before != after
    ]


TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before: str, after: str) -> SafeString:
    a, b = TOKENS.findall(before), TOKENS.findall(after)
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[a1:a2])))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(''.join(a[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(''.join(b[b1:b2]))}</ins>")
    return mark_safe("".join(out))  # every piece of text above is escaped


def summarize(changes: list[Change]) -> str:
    if not changes:
        return "No changes"
    return "Changed " + ", ".join(c.label.lower() for c in changes)


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
    previous = review.revisions.snapshots().first()
    if summary is None:
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


def next_update_at() -> datetime | None:
    """When the next scheduled update falls due, cached for a minute (and
    remembered by each process for a few seconds) so that requests do not
    each ask the database."""
    global _remembered
    if _remembered is not None and _remembered[0] > time.monotonic():
        return _remembered[1]
    cached = cache.get(NEXT_UPDATE_CACHE_KEY, default=False)
    if cached is False:
        pending = Revision.objects.pending_updates().order_by("apply_at").first()
        cached = pending.apply_at if pending else None
        cache.set(NEXT_UPDATE_CACHE_KEY, cached, NEXT_UPDATE_CACHE_SECONDS)
    _remembered = (time.monotonic() + REMEMBER_SECONDS, cached)
    return cached
