"""What a change to a review asks for, and what comes of it: the
vocabulary of :func:`reviews.services.editing.edit_review`."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kdrama_rewind.data.text import one_line

from ..models import Review, Revision
from ..times import newsroom

KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()
"""Leave this part of the review as it is."""


CONTENT_FIELDS = (
    "title", "slug", "standfirst", "body", "hero_alt", "hero_caption", "hero_credit",
    "hero_focus_x", "hero_focus_y", "author", "column", "updated_at",
)  # fmt: skip


class EditConflict(Exception):
    """The review moved on since the change was based on it; nothing was saved."""

    def __init__(self, review: Review, based_on: int | None, saves: list[Revision]):
        self.review, self.based_on, self.saves = review, based_on, saves
        last = saves[-1] if saves else None
        if last is not None:
            who = last.created_by or "the system"
            at = newsroom(last.created_at)
            where = f" ({last.via})" if last.via else ""
            detail = f"changed at {at:%H:%M} on {at:%d %b %Y} by {who}{where}"
        else:
            detail = "changed by someone else"
        super().__init__(f"The review was {detail} since this change began.")
        self.detail = detail


# What a review links to, as an edit and a snapshot name it.
LINKS = ("dramas", "featured_people", "quotes", "up_next_picks", "tags")


def tag_names(names) -> list[str]:
    """Tags as typed, each kept to one line (as a tag's own form keeps it)."""
    return [name for name in (one_line(name).strip() for name in names) if name]


def review_links(review: Review | None, name: str) -> list:
    """What a review links to now (nothing for a new one); tags by name."""
    if review is None or review.pk is None:
        return []
    if name == "tags":
        return [tag.name for tag in review.tags.all()]
    return list(getattr(review, name).all())


@dataclass
class CorrectionEdit:
    """One note to readers as it should be: ``pk`` for one that exists."""

    kind: str
    text: str
    noted_at: datetime
    pk: int | None = None
    created_by: Any = None


@dataclass
class ReviewEdit:
    """What a change asks for. ``KEEP`` (or ``None`` for the lists) leaves a
    part as it is; ``fields`` holds only the content fields being set."""

    fields: dict[str, Any] = field(default_factory=dict)
    hero: Any = KEEP  # KEEP, None to remove, a File to store, or StoredHero
    dramas: Any = None
    featured_people: Any = None
    add_featured_people: Any = ()  # people the body names: added, never removed
    quotes: Any = None
    up_next_picks: Any = None
    tags: list[str] | None = None
    corrections: list[CorrectionEdit] | None = None
    status: str | None = None
    published_at: Any = KEEP
    minor: bool = False  # leave “Last updated” alone: a typo fix, or a file that says it
    confirmed_names: Any = ()  # NameWarnings the editor confirmed as intended

    def links_after(self, stored: Review | None) -> dict[str, list]:
        """What the review would link to (``LINKS``): the lists given, the
        stored ones for the rest, with the people the body names added."""
        links = {}
        for name in LINKS:
            given = getattr(self, name)
            if name == "tags" and given is not None:
                given = tag_names(given)
            links[name] = list(given) if given is not None else review_links(stored, name)
        people = {person.pk: person for person in links["featured_people"]}
        for person in self.add_featured_people:
            people.setdefault(person.pk, person)
        links["featured_people"] = list(people.values())
        links["tags"] = list(dict.fromkeys(links["tags"]))
        return links


@dataclass(frozen=True)
class StoredHero:
    """A hero image already in media storage, with its renditions."""

    name: str
    width: int | None
    height: int | None


@dataclass
class EditResult:
    review: Review
    revision: Revision | None
    changed: bool
    scheduled_update: Revision | None = None
