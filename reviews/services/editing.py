"""The one way a review changes.

Every change to a review's content or state goes through :func:`edit_review`,
whoever makes it and however it comes in: the review form, the list's
actions, restoring a revision, a scheduled update falling due, an import,
the desk's calendar. It

1. stores a new hero image (and its renditions), and the crops a moved
   focal point needs, before taking any lock;
2. locks the review's row and compares the version the change was based on
   with the stored one: a change made from an out-of-date form or file is
   refused, naming who saved in between;
3. checks the user's right to make it (content, status and publish time,
   and new tags, which only those who may add tags can make);
4. compares what would be saved with what is stored, at the precision the
   form shows: a change that changes nothing writes nothing and records
   nothing;
5. writes the review, its links, tags and corrections, moves its version on
   by one, keeps a renamed public review's old address, and records exactly
   one revision saying who, what, and which way it came in;
6. when the status moved: notes the time a review was sent for review,
   closes the note it was sent back with once it leaves draft, and queues
   (after the commit) the task that tells the people concerned
   (``reviews.notifications``).

Caches follow after the commit (the page cache listens for the writes).
``clean()`` methods of forms only validate; this is the only writer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kdrama_rewind.images import StorageUnavailable
from kdrama_rewind.slugs import slug_for
from kdrama_rewind.tasks import enqueue_on_commit

from .. import notifications, permissions
from ..models import Correction, Review, Revision, SendBack, SlugRedirect, Tag
from ..names import kept_dismissals, review_texts
from ..status import Status
from ..times import newsroom, when
from . import derived
from .revisions import (
    build_snapshot,
    compare,
    forget_next_update,
    record_revision,
    revisions_since,
    snapshot,
    summarize,
)
from .transitions import TransitionError, check_transition, normalize

KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()
"""Leave this part of the review as it is."""

CONTENT_FIELDS = (
    "title", "slug", "standfirst", "body", "hero_alt", "hero_caption", "hero_credit",
    "hero_focus_x", "hero_focus_y", "author", "column", "updated_at",
)  # fmt: skip
# Snapshot keys (see ``revisions.FIELDS``) by what changing them means.
STATE_FIELDS = {"status", "published_at"}
# What the desk may change when it plans the calendar, without editing rights.
PLANNING_FIELDS = {"column"}
# What readers would see differently: a live review's “Last updated” moves.
READER_FIELDS = {
    "title", "slug", "standfirst", "body", "hero_image", "hero_alt", "hero_caption",
    "hero_credit", "hero_focus", "author", "column", "quotes",
}  # fmt: skip
FOCUS_FIELDS = ("hero_focus_x", "hero_focus_y")


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


def edit_review(
    *,
    review: Review | None,
    edit: ReviewEdit,
    by,
    via: str,
    based_on: int | None = None,
    seen_version: int | None = None,
    expect_state: tuple[str, datetime | None] | None = None,
    kind: str = Revision.Kind.EDIT,
    summary=None,
    apply_at: datetime | None = None,
    system: bool = False,
) -> EditResult:
    """Make ``edit`` to ``review`` (``None`` or unsaved: a new review).

    ``based_on`` is the version the change was made from: if the review has
    moved on, :class:`EditConflict` is raised, unless the user has seen the
    other changes (``seen_version`` is the stored version). ``expect_state``
    is the (status, publish time) a list action saw. ``summary`` (text, or a
    function of the review before and after) describes the revision instead
    of the list of what changed. ``apply_at`` keeps the
    change as a scheduled update instead of making it now. ``system``
    changes (an import, a scheduled update falling due; any change with
    ``by=None``) are not checked against a user's permissions; ``by`` is who
    they are recorded under.
    Raises :class:`TransitionError` (not allowed) or ``ValidationError``
    (not valid); nothing is saved then.
    """
    written: list[str] = []
    try:
        hero = store_hero(edit.hero, written, focus=_focus_of(edit, review))
        _prepare_crops(review, edit, hero, written)
        with transaction.atomic():
            result = _Edit(
                review=review,
                edit=edit,
                hero=hero,
                written=written,
                by=by,
                via=via,
                based_on=based_on,
                seen_version=seen_version,
                expect_state=expect_state,
                kind=kind,
                summary=summary,
                apply_at=apply_at,
                system=system,
            ).run()
    except BaseException:
        delete_files(written)
        raise
    if not result.changed and result.scheduled_update is None:
        delete_files(written)
    return result


def store_hero(hero, written: list[str], *, focus=None):
    """Store an offered image, its renditions and its crops (around
    ``focus``) now, outside any lock and any transaction: making them takes
    seconds. The names stored are added to ``written``, for the caller to
    delete if the change is not made. Anything but a file to store is
    returned as it is."""
    if hero is KEEP or hero is None or isinstance(hero, StoredHero):
        return hero
    holder = Review()
    if focus is not None:
        holder.hero_focus_x, holder.hero_focus_y = focus
    name = getattr(hero, "name", None) or "hero.jpg"
    try:
        holder.hero_image.save(name.rsplit("/", 1)[-1], hero, save=False)
    finally:
        stored = holder.hero_image
        if stored.name:
            written += [stored.name, *(r.name for r in stored.renditions)]
            written += [r.name for crop in stored.crops.values() for r in crop.renditions]
    return StoredHero(stored.name, holder.hero_width, holder.hero_height)


def _focus_of(edit: ReviewEdit, review: Review | None) -> tuple[int, int] | None:
    """The focal point the edit leaves, if it sets one."""
    if not any(name in edit.fields for name in FOCUS_FIELDS):
        return None
    current = review if review is not None else Review()
    return tuple(int(edit.fields.get(name, getattr(current, name))) for name in FOCUS_FIELDS)


def _prepare_crops(review: Review | None, edit: ReviewEdit, hero, written: list[str]) -> None:
    """Make the crops a moved focal point (or an image from storage) needs,
    before the lock, from the review as the caller loaded it; the change
    checks again under the lock."""
    focus = _focus_of(edit, review)
    if hero is None or (focus is None and not isinstance(hero, StoredHero)):
        return
    current = review if review is not None else Review()
    if isinstance(hero, StoredHero):
        name, width, height = hero.name, hero.width, hero.height
    else:
        name, width, height = current.hero_image.name, current.hero_width, current.hero_height
    x, y = focus if focus is not None else (current.hero_focus_x, current.hero_focus_y)
    if name:
        holder = Review(
            hero_image=name,
            hero_width=width,
            hero_height=height,
            hero_focus_x=x,
            hero_focus_y=y,
        )
        _make_crops(holder, written)


def _make_crops(review: Review, written: list[str]) -> None:
    try:
        review.hero_image.make_crops(written)
    except OSError as error:
        raise StorageUnavailable(
            f"The image could not be cut to its focal point just now ({error.strerror or error})."
        ) from error


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass  # left for the media clean-up to find


class _Edit:
    def __init__(self, *, review, edit: ReviewEdit, hero, written, by, via, **options):
        self.target = review if review is not None else Review()
        self.edit, self.hero, self.by, self.via = edit, hero, by, via
        self.written = written
        self.options = options
        self.system = options["system"] or by is None
        self.now = timezone.now()

    # ------------------------------------------------------------ the steps

    def run(self) -> EditResult:
        stored = self.lock()
        if self.check_version(stored):
            return self.done(stored, None, changed=False)
        wanted = self.apply(stored)
        if not wanted.slug:
            wanted.slug = wanted.unique_slug(slug_for(wanted.title) or "untitled")
        relations = self.relations(stored)
        corrections = self.corrections(stored)
        after = self.snapshot_of(wanted, relations, corrections)
        changes = compare(snapshot(stored), after) if stored is not None else None
        dismissals = self.dismissals(stored, wanted)
        if changes == []:
            if dismissals != stored.name_checks_dismissed:
                Review.objects.filter(pk=stored.pk).update(name_checks_dismissed=dismissals)
                stored.name_checks_dismissed = dismissals
            return self.done(stored, None, changed=False)
        changed = {change.field for change in changes} if changes is not None else None
        self.check_rights(stored, wanted, changed)
        self.check_tags(relations["tags"])
        self.check_address(stored, wanted)
        if self.options["apply_at"] is not None:
            wanted.full_clean()
            return self.schedule(stored, after, changes)
        wanted.name_checks_dismissed = dismissals
        self.keep_last_updated(stored, wanted, changed, corrections)
        wanted.full_clean()
        return self.write(stored, wanted, relations, corrections, changes)

    def done(self, review: Review, revision, **outcome) -> EditResult:
        """The caller's instance now is the review as stored."""
        self.target.__dict__.update(review.__dict__)
        return EditResult(self.target, revision, **outcome)

    def lock(self) -> Review | None:
        """The review as stored, locked until this change commits."""
        if self.target.pk is None:
            return None
        stored = (
            Review.objects.select_for_update(of=("self",))
            .select_related("author", "column")
            .filter(pk=self.target.pk)
            .first()
        )
        if stored is None:
            raise TransitionError("This review was deleted meanwhile.")
        return stored

    def check_version(self, stored: Review | None) -> bool:
        """Refuse a change based on an older version; True if someone else
        already made this very move of a list action meanwhile."""
        if stored is None:
            return False
        based_on = self.options["based_on"]
        if based_on is not None and based_on != stored.version:
            if self.options["seen_version"] != stored.version:
                saves = list(revisions_since(stored, based_on).order_by("created_at", "id"))
                raise EditConflict(stored, based_on, saves)
        expected = self.options["expect_state"]
        if expected is not None and not _same_state(expected, stored):
            if self.edit.status is not None and stored.status == normalize(
                self.edit.status, self.edit.published_at
            ):
                return True
            raise TransitionError(
                "Someone else changed this review’s status since you opened it; "
                "reload it and try again."
            )
        return False

    def apply(self, stored: Review | None) -> Review:
        """The review as it would be: a copy of the stored one (or a new one)
        with the edit applied. The caller's instance is left alone until the
        change is made, so a refused change leaves it as it was."""
        wanted = copy.copy(stored) if stored is not None else Review()
        edit = self.edit
        for name, value in edit.fields.items():
            if name not in CONTENT_FIELDS:
                raise ValueError(f"{name} is not a content field of a review")
            setattr(wanted, name, value)
        wanted.body = (wanted.body or "").replace("\r\n", "\n")
        if self.hero is None:
            wanted.hero_image, wanted.hero_width, wanted.hero_height = "", None, None
        elif isinstance(self.hero, StoredHero):
            wanted.hero_width, wanted.hero_height = self.hero.width, self.hero.height
            wanted.hero_image = self.hero.name
        status = edit.status if edit.status is not None else wanted.status
        at = edit.published_at if edit.published_at is not KEEP else wanted.published_at
        if stored is not None:
            at = _same_moment(at, stored.published_at)
            wanted.updated_at = _same_moment(wanted.updated_at, stored.updated_at)
        if status == Status.PUBLISHED and at is None:
            at = self.now
        wanted.status, wanted.published_at = normalize(status, at), at
        if wanted.status == Status.REVIEW and (stored is None or stored.status != Status.REVIEW):
            wanted.submitted_at = self.now
        return wanted

    def check_rights(self, stored: Review | None, wanted: Review, changed: set | None) -> None:
        """Refuse what the user may not do. ``changed`` names what differs
        from the stored review (None: the review is new)."""
        if self.system:
            return
        by = self.by
        if self.options["apply_at"] is not None and not permissions.can_schedule(by):
            raise TransitionError("Only the desk or an editor can schedule an update.")
        content = None if changed is None else changed - STATE_FIELDS
        if content is None or content:
            planning = content is not None and content <= PLANNING_FIELDS
            if not (
                permissions.can_edit(by, stored) or (planning and permissions.can_schedule(by))
            ):
                raise TransitionError("You may not edit this review.")
        author = wanted.author if wanted.author_id else None
        if (
            author is not None
            and (stored is None or stored.author_id != author.pk)
            and not by.has_perm(permissions.EDIT_ANY)
            and author.user_id != by.pk
        ):
            raise TransitionError("Write under your own byline; an editor can change it.")
        reason = check_transition(
            user=by,
            review=stored or Review(author=author),
            status=wanted.status,
            at=wanted.published_at,
        )
        if reason:
            raise TransitionError(reason)

    def check_tags(self, tags: list[str]) -> None:
        """Only those who may add tags make new ones; others use the tags
        that exist."""
        if self.system or self.edit.tags is None or self.by.has_perm("reviews.add_tag"):
            return
        if unknown := unknown_tags(tags):
            raise TransitionError(unknown_tags_message(unknown))

    def check_address(self, stored: Review | None, wanted: Review) -> None:
        """A slug that still leads readers to another review is not free."""
        if stored is not None and stored.slug == wanted.slug:
            return
        taken = (
            SlugRedirect.objects.filter(old_slug=wanted.slug)
            .exclude(review_id=stored.pk if stored else None)
            .select_related("review")
            .first()
        )
        if taken is not None:
            raise ValidationError(
                {"slug": address_taken_message(wanted.slug, taken.review)}, code="address_taken"
            )

    def relations(self, stored: Review | None) -> dict[str, list]:
        """The linked objects as they would be."""
        edit = self.edit
        result = {}
        for name in ("dramas", "featured_people", "quotes", "up_next_picks"):
            given = getattr(edit, name)
            if given is not None:
                result[name] = list(given)
            else:
                result[name] = list(getattr(stored, name).all()) if stored else []
        people = {p.pk: p for p in result["featured_people"]}
        for person in edit.add_featured_people:
            people.setdefault(person.pk, person)
        result["featured_people"] = list(people.values())
        if edit.tags is not None:
            result["tags"] = list(dict.fromkeys(edit.tags))
        else:
            result["tags"] = [t.name for t in stored.tags.all()] if stored else []
        return result

    def corrections(self, stored: Review | None) -> list[CorrectionEdit]:
        """The notes to readers as they would be; changing them is an editor's job."""
        current = [
            CorrectionEdit(c.kind, c.text, c.noted_at, c.pk)
            for c in (stored.corrections.all() if stored else [])
        ]
        if self.edit.corrections is None:
            return current
        known = {c.pk: c for c in current}
        result = []
        for entry in self.edit.corrections:
            if entry.pk is not None and entry.pk not in known:
                raise TransitionError("That correction belongs to another review.")
            if entry.pk is not None:
                entry.noted_at = _same_moment(entry.noted_at, known[entry.pk].noted_at)
            note = Correction(kind=entry.kind, text=entry.text, noted_at=entry.noted_at)
            try:
                note.full_clean(exclude=["review"])
            except ValidationError as error:
                raise ValidationError({"corrections": error.messages}) from None
            result.append(entry)
        as_stored = [(c.pk, c.kind, c.text, c.noted_at) for c in current]
        wanted = [(c.pk, c.kind, c.text, c.noted_at) for c in result]
        if wanted != as_stored and not self.system and not permissions.can_correct(self.by):
            raise TransitionError("Only an editor can add, change or remove corrections.")
        return result

    def snapshot_of(self, wanted: Review, relations: dict, corrections) -> dict:
        texts = ("title", "slug", "standfirst", "body", "hero_alt", "hero_caption", "hero_credit")
        return build_snapshot(
            values={
                **{key: getattr(wanted, key) for key in texts},
                "hero_image": wanted.hero_image.name or "",
                "hero_focus": [wanted.hero_focus_x, wanted.hero_focus_y],
                "status": wanted.status,
                "published_at": wanted.published_at,
                "updated_at": wanted.updated_at,
            },
            author=wanted.author if wanted.author_id else None,
            column=wanted.column if wanted.column_id else None,
            dramas=relations["dramas"],
            people=relations["featured_people"],
            quotes=relations["quotes"],
            tags=relations["tags"],
            picks=relations["up_next_picks"],
            corrections=corrections,
        )

    def dismissals(self, stored: Review | None, wanted: Review) -> list[dict]:
        texts = review_texts(title=wanted.title, standfirst=wanted.standfirst, body=wanted.body)
        current = stored.name_checks_dismissed if stored else []
        return kept_dismissals(current, texts, self.edit.confirmed_names)

    def keep_last_updated(self, stored, wanted: Review, changed: set | None, corrections):
        """Readers' “Last updated” moves with a real edit of a live review
        (not a minor one) and with a later correction; a review published
        again after its last update starts afresh. Approval clears the
        taken-down mark; unpublishing a live review sets it."""
        if stored is not None:
            was_live = stored.is_published()
            if was_live and not self.edit.minor and "updated_at" not in changed:
                if changed & READER_FIELDS:
                    wanted.updated_at = self.now
            if was_live and not wanted.is_approved:
                wanted.taken_down_at = self.now
        if wanted.is_approved:
            wanted.taken_down_at = None
        at = wanted.published_at
        if wanted.updated_at and at and wanted.updated_at < at:
            wanted.updated_at = None  # published again later than its last update
        if wanted.is_approved and at and self.edit.corrections is not None:
            noted = [note.noted_at for note in corrections if note.noted_at >= at]
            if noted and (wanted.updated_at is None or max(noted) > wanted.updated_at):
                wanted.updated_at = max(noted)

    def schedule(self, stored: Review, after: dict, changes) -> EditResult:
        at = self.options["apply_at"]
        if at <= self.now:
            raise TransitionError("Choose a time in the future for the update.")
        if not stored.is_published():
            raise TransitionError("Only a published review can have an update scheduled.")
        after = {**after, "status": stored.status}
        summary = f"Update for {when(at, zone=True)}: {summarize(changes).lower()}"
        update = Revision.objects.create(
            review=stored,
            kind=Revision.Kind.SCHEDULED_UPDATE,
            summary=summary[:500],
            via=self.via,
            snapshot=after,
            created_by=self.by,
            apply_at=at,
        )
        transaction.on_commit(forget_next_update)
        return self.done(stored, None, changed=False, scheduled_update=update)

    def write(self, stored, wanted: Review, relations: dict, corrections, changes) -> EditResult:
        wanted.version = (stored.version if stored else 0) + 1
        if self.by is not None:
            wanted.last_edited_by = self.by
        if wanted.hero_image and (
            stored is None
            or (stored.hero_image.name, stored.hero_image.focus)
            != (wanted.hero_image.name, wanted.hero_image.focus)
        ):
            # Made before the lock as a rule; this finds what is missing
            # (an image stored before crops existed, or one a race removed).
            _make_crops(wanted, self.written)
        ranking = derived.edit_started(stored)
        wanted.save()
        review = wanted
        edit = self.edit
        for name in ("dramas", "featured_people", "quotes", "up_next_picks"):
            if getattr(edit, name) is not None or (
                name == "featured_people" and edit.add_featured_people
            ):
                getattr(review, name).set(relations[name])
        if edit.tags is not None:
            current = {t.name for t in review.tags.all()} if stored else set()
            if current != set(relations["tags"]):
                review.tags.set(relations["tags"], clear=True)
        if edit.corrections is not None:
            self.write_corrections(review, corrections)
        if stored is not None and stored.slug != review.slug:
            keep_old_address(review=review, old_slug=stored.slug, was_public=stored.is_published())
        if stored is None:
            SlugRedirect.objects.filter(old_slug=review.slug, review=review).delete()
        derived.edit_written(review, ranking)
        summary = self.options["summary"]
        if callable(summary):
            summary = summary(stored or Review(), review)
        elif summary is None:
            summary = summarize(changes) if stored is not None else "Created"
        revision = record_revision(
            review=review, by=self.by, kind=self.options["kind"], summary=summary, via=self.via
        )
        before = stored.status if stored is not None else None
        if review.status != (before or Status.DRAFT):
            self.moved(review, before, revision)
        return self.done(review, revision, changed=True)

    def moved(self, review: Review, before: str | None, revision: Revision) -> None:
        """A review leaving draft answers the note it was sent back with.
        Once the move commits, a task tells the people concerned (not of a
        system's change: an import, a scheduled update)."""
        if before is not None and review.status != Status.DRAFT:
            SendBack.objects.open().filter(review=review).update(answered_at=self.now)
        if not self.system:
            enqueue_on_commit(notifications.tell_of_move, revision.pk, before)

    def write_corrections(self, review: Review, corrections: list[CorrectionEdit]) -> None:
        kept = {entry.pk for entry in corrections if entry.pk is not None}
        review.corrections.exclude(pk__in=kept).delete()
        existing = {c.pk: c for c in review.corrections.all()}
        for entry in corrections:
            note = existing.get(entry.pk)
            if note is None:
                note = Correction(review=review, created_by=entry.created_by or self.by)
            if note.pk and (note.kind, note.text, note.noted_at) == (
                entry.kind,
                entry.text,
                entry.noted_at,
            ):
                continue
            note.kind, note.text, note.noted_at = entry.kind, entry.text, entry.noted_at
            note.save()


# ---------------------------------------------------------------- helpers


def unknown_tags(names) -> list[str]:
    """The names among ``names`` that no tag has (in any case)."""
    names = list(dict.fromkeys(names))
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(name__iexact=name)
    known = {name.casefold() for name in Tag.objects.filter(query).values_list("name", flat=True)}
    return [name for name in names if name.casefold() not in known]


def unknown_tags_message(unknown: list[str]) -> str:
    listed = ", ".join(f"“{name}”" for name in unknown)
    return (
        f"There is no tag {listed} yet, and only an editor can add tags. Use tags that "
        "exist, or ask an editor to add it."
        if len(unknown) == 1
        else f"There are no tags {listed} yet, and only an editor can add tags. Use tags that "
        "exist, or ask an editor to add them."
    )


def address_taken_message(slug: str, other: Review) -> str:
    return (
        f"“{slug}” is an old address of “{other}”, and readers with old links still reach "
        "that review through it. Choose another slug, or ask an editor to release the old "
        "address on that review’s History page."
    )


def keep_old_address(*, review: Review, old_slug: str, was_public: bool) -> None:
    """Keep a public review's old address working. Redirects point at the
    review, not at another slug, so chains cannot form; a review taking
    back one of its own old addresses stops redirecting it."""
    SlugRedirect.objects.filter(old_slug=review.slug, review=review).delete()
    if was_public:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"review": review})


def _same_state(expected: tuple[str, datetime | None], stored: Review) -> bool:
    status, at = expected
    return status == stored.status and _same_moment(at, stored.published_at) == stored.published_at


def _same_moment(value: datetime | None, stored: datetime | None) -> datetime | None:
    """Forms show times to the second: a time equal to the stored one at
    that precision is the stored one."""
    if value is None or stored is None:
        return value
    if value.replace(microsecond=0) == stored.replace(microsecond=0):
        return stored
    return value


def file_or_keep(upload) -> Any:
    """A form's cleaned file value as an edit's ``hero``: a new upload, a
    cleared field (``False``) or no change."""
    if upload is False:
        return None
    if isinstance(upload, File) and not getattr(upload, "_committed", False):
        return upload
    return KEEP


__all__ = [
    "KEEP",
    "CorrectionEdit",
    "EditConflict",
    "EditResult",
    "ReviewEdit",
    "StoredHero",
    "TransitionError",
    "address_taken_message",
    "edit_review",
    "keep_old_address",
    "unknown_tags",
]
