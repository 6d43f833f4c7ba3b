"""A review's content as a snapshot (JSON-ready, kept with each revision),
the differences between two snapshots, and the edit that makes a review's
content what a snapshot says again (restoring, a scheduled update)."""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from PIL import Image

from people.models import Author, Person

from ..models import Column, Drama, Quote, Review
from ..times import when
from .edits import KEEP, LINKS, ReviewEdit, StoredHero, review_links

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


def snapshot(review: Review, *, links: dict | None = None, corrections=None) -> dict:
    """``review``'s snapshot. ``links`` (dramas, featured_people, quotes,
    up_next_picks, tags) and ``corrections`` are what it would link to
    after an edit; by default, what it links to now."""
    if links is None:
        links = {name: review_links(review, name) for name in LINKS}
    if corrections is None:
        corrections = review.corrections.all()
    return build_snapshot(
        values={
            **{key: getattr(review, key) for key in TEXT_FIELDS | {"slug"}},
            "hero_image": review.hero_image.name or "",
            "hero_focus": [review.hero_focus_x, review.hero_focus_y],
            "status": review.status,
            "published_at": review.published_at,
            "updated_at": review.updated_at,
        },
        author=review.author if review.author_id else None,
        column=review.column if review.column_id else None,
        dramas=links["dramas"],
        people=links["featured_people"],
        quotes=links["quotes"],
        tags=links["tags"],
        picks=links["up_next_picks"],
        corrections=corrections,
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


# ---------------------------------------------------------------- restoring


def edit_from_snapshot(data: dict, review: Review) -> ReviewEdit:
    """The edit that makes ``review``'s content what a snapshot says: what
    still exists of its author, column, dramas, people, quotes and picks,
    and its image if media storage still has it. Status, publish time and
    corrections are not content and are left alone."""
    fields = {key: data[key] for key in ("title", "slug", "standfirst", "body")}
    fields |= {key: data[key] for key in ("hero_alt", "hero_caption", "hero_credit")}
    fields["hero_focus_x"], fields["hero_focus_y"] = data.get("hero_focus", MISSING["hero_focus"])
    if data["author"]:
        fields["author"] = Author.objects.filter(pk=data["author"][0]).first() or review.author
    column = data["column"]
    fields["column"] = Column.objects.filter(pk=column[0]).first() if column else None

    def ids(key):
        return [pk for pk, _ in data[key]]

    return ReviewEdit(
        fields=fields,
        hero=_hero_from(data["hero_image"], review),
        dramas=Drama.objects.filter(pk__in=ids("dramas")),
        featured_people=Person.objects.filter(pk__in=ids("featured_people")),
        quotes=Quote.objects.filter(pk__in=ids("quotes")),
        up_next_picks=Review.objects.filter(pk__in=ids("up_next_picks")).exclude(pk=review.pk),
        tags=list(data["tags"]),
    )


def _hero_from(name: str, review: Review):
    if name == (review.hero_image.name or ""):
        return KEEP
    if not name:
        return None
    storage = review.hero_image.storage
    if not storage.exists(name):
        return KEEP  # gone from media storage: the current image stays
    with storage.open(name, "rb") as file, Image.open(file) as image:
        width, height = image.size
    return StoredHero(name, width, height)
