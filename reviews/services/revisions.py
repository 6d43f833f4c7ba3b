"""Revisions: every save of a review is kept, can be compared with any other
and restored. A scheduled update is a revision that applies itself at its
time: the first request after that moment applies it (see
``reviews.middleware``), so nothing has to run in the background."""

import difflib
import re
import time
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from people.models import Author, Person

from .. import permissions
from ..models import Column, Drama, Quote, Review, Revision

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
    "hero_credit", "author", "column", "dramas", "featured_people", "quotes", "tags",
    "up_next_picks",
)  # fmt: skip


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
        return f"{timezone.localtime(datetime.fromisoformat(value)):%d %b %Y, %H:%M}"
    if key == "status":
        return dict(Review.Status.choices).get(value, value)
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
        Change(key, label, readable(key, old.get(key)), readable(key, new.get(key)))
        for key, label in FIELDS.items()
        if old.get(key) != new.get(key)
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
    *, review: Review, by, kind: str = Revision.Kind.EDIT, summary: str | None = None
) -> Revision:
    """Keep the review as it now stands. The summary says what changed since
    the previous revision unless one is given."""
    current = snapshot(review)
    previous = review.revisions.exclude(kind=Revision.Kind.SCHEDULED_UPDATE).first()
    if summary is None:
        summary = summarize(compare(previous.snapshot, current)) if previous else "Created"
    return Revision.objects.create(
        review=review,
        version=review.version,
        kind=kind,
        summary=summary[:500],
        snapshot=current,
        created_by=by,
    )


def revisions_since(review: Review, version: int):
    """Saves made after ``version``: who changed what while a form was open."""
    return (
        review.revisions.filter(version__gt=version)
        .exclude(kind=Revision.Kind.SCHEDULED_UPDATE, applied_at__isnull=True)
        .select_related("created_by")
    )


# ---------------------------------------------------------------- restoring


def _apply_snapshot(review: Review, data: dict) -> None:
    """Set ``review``'s content from a snapshot: what still exists of its
    author, column, dramas, people, quotes and picks. Status, publish time
    and corrections are not content and are left alone."""
    for key in TEXT_FIELDS | {"slug"}:
        setattr(review, key, data[key])
    name = data["hero_image"]
    if name != review.hero_image.name:
        if not name:
            review.hero_image = None
        elif review.hero_image.storage.exists(name):
            review.hero_image = name
    if data["author"]:
        review.author = Author.objects.filter(pk=data["author"][0]).first() or review.author
    column = data["column"]
    review.column = Column.objects.filter(pk=column[0]).first() if column else None


def _apply_relations(review: Review, data: dict) -> None:
    def ids(key):
        return [pk for pk, _ in data[key]]

    review.dramas.set(Drama.objects.filter(pk__in=ids("dramas")))
    review.featured_people.set(Person.objects.filter(pk__in=ids("featured_people")))
    review.quotes.set(Quote.objects.filter(pk__in=ids("quotes")))
    review.up_next_picks.set(Review.objects.filter(pk__in=ids("up_next_picks")))
    review.tags.set(data["tags"], clear=True)


@transaction.atomic
def restore_revision(*, review: Review, revision: Revision, by) -> Revision:
    """Make ``revision``'s content the review's content again. Nothing is
    lost: the version being replaced stays in the history."""
    from .workflow import save_review_content

    if by is not None and not permissions.can_edit(by, review):
        raise PermissionDenied("You may not edit this review.")
    original = Review.objects.select_for_update().get(pk=review.pk)
    _apply_snapshot(review, revision.snapshot)
    save_review_content(review=review, original=original, by=by)
    _apply_relations(review, revision.snapshot)
    when = timezone.localtime(revision.created_at)
    who = revision.created_by or "the system"
    return record_revision(
        review=review,
        by=by,
        kind=Revision.Kind.RESTORE,
        summary=f"Restored the version of {when:%d %b %Y, %H:%M} by {who}",
    )


# ---------------------------------------------------------------- scheduled updates


@transaction.atomic
def schedule_update(*, review: Review, content: dict, at: datetime, by) -> Revision:
    """Keep ``content`` (a snapshot) to replace a live review's at ``at``,
    leaving the review as readers see it until then."""
    if by is not None and not permissions.can_schedule(by):
        raise PermissionDenied("Only the desk or an editor can schedule an update.")
    if at <= timezone.now():
        raise PermissionDenied("Choose a time in the future for the update.")
    changes = compare(snapshot(review), content)
    update = Revision.objects.create(
        review=review,
        kind=Revision.Kind.SCHEDULED_UPDATE,
        summary=f"Update for {timezone.localtime(at):%d %b %Y, %H:%M}: "
        + summarize(changes).lower(),
        snapshot=content,
        created_by=by,
        apply_at=at,
    )
    transaction.on_commit(forget_next_update)
    return update


@transaction.atomic
def cancel_update(*, update: Revision, by) -> Revision:
    if by is not None and not permissions.can_schedule(by):
        raise PermissionDenied("Only the desk or an editor can cancel a scheduled update.")
    update.cancelled_at = timezone.now()
    update.save(update_fields=["cancelled_at"])
    transaction.on_commit(forget_next_update)
    return update


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


def apply_due_updates(now: datetime | None = None) -> int:
    """Apply every scheduled update whose time has come; return how many."""
    now = now or timezone.now()
    due_at = next_update_at()
    if due_at is None or due_at > now:
        return 0
    applied = 0
    with transaction.atomic():
        due = Revision.objects.due_updates(now).select_related("review__author", "review__column")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        for update in due:
            _apply_update(update)
            applied += 1
        transaction.on_commit(forget_next_update)
    return applied


def _apply_update(update: Revision) -> None:
    from .workflow import save_review_content

    review = update.review
    original = Review.objects.get(pk=review.pk)
    _apply_snapshot(review, update.snapshot)
    review.updated_at = update.apply_at
    save_review_content(review=review, original=original, by=update.created_by)
    _apply_relations(review, update.snapshot)
    update.applied_at = timezone.now()
    update.version = review.version
    update.snapshot = snapshot(review)
    update.save(update_fields=["applied_at", "version", "snapshot"])
