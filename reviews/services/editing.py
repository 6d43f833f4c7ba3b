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
from datetime import datetime

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.tasks import enqueue_on_commit

from .. import notifications
from ..models import Review, Revision, SendBack, SlugRedirect
from ..names import kept_dismissals, review_texts
from ..status import Status
from ..times import same_moment, when
from . import derived
from .checks import check_address, check_rights, check_tag_names, check_tags
from .corrections import corrections_after, write_corrections
from .edits import (
    CONTENT_FIELDS,
    KEEP,
    LINKS,
    EditConflict,
    EditResult,
    ReviewEdit,
    StoredHero,
)
from .heroes import delete_files, focus_of, make_crops, prepare_crops, store_hero
from .revisions import forget_next_update, record_revision, revisions_since
from .snapshots import compare, snapshot, summarize
from .transitions import TransitionError, normalize

# What readers would see differently: a live review's “Last updated” moves.
READER_FIELDS = {
    "title", "slug", "standfirst", "body", "hero_image", "hero_alt", "hero_caption",
    "hero_credit", "hero_focus", "author", "column", "quotes",
}  # fmt: skip


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
        hero = store_hero(edit.hero, written, focus=focus_of(edit, review))
        prepare_crops(review, edit, hero, written)
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


# What an edit reads of the review as stored, each once.
STORED_LINKS = (*LINKS, "corrections")


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
        links = self.edit.links_after(stored)
        corrections = corrections_after(
            stored, self.edit.corrections, by=self.by, system=self.system
        )
        after = snapshot(wanted, links=links, corrections=corrections)
        changes = compare(snapshot(stored), after) if stored is not None else None
        dismissals = self.dismissals(stored, wanted)
        if changes == []:
            if dismissals != stored.name_checks_dismissed:
                Review.objects.filter(pk=stored.pk).update(name_checks_dismissed=dismissals)
                stored.name_checks_dismissed = dismissals
            return self.done(stored, None, changed=False)
        changed = {change.field for change in changes} if changes is not None else None
        if not self.system:
            check_rights(
                by=self.by,
                stored=stored,
                wanted=wanted,
                changed=changed,
                apply_at=self.options["apply_at"],
            )
            if self.edit.tags is not None:
                check_tags(by=self.by, tags=links["tags"])
        check_address(stored=stored, wanted=wanted)
        if self.edit.tags is not None:
            check_tag_names(links["tags"])
        if self.options["apply_at"] is not None:
            wanted.full_clean()
            return self.schedule(stored, after, changes)
        wanted.name_checks_dismissed = dismissals
        self.keep_last_updated(stored, wanted, changed, corrections)
        wanted.full_clean()
        return self.write(stored, wanted, links, corrections, changes, changed)

    def done(self, review: Review, revision, **outcome) -> EditResult:
        """The caller's instance now is the review as stored."""
        fields = {k: v for k, v in review.__dict__.items() if k != "_prefetched_objects_cache"}
        self.target.__dict__.update(fields)
        return EditResult(self.target, revision, **outcome)

    def lock(self) -> Review | None:
        """The review as stored, locked until this change commits."""
        if self.target.pk is None:
            return None
        # NO KEY: rows that only point at it (Up Next entries) stay writable.
        stored = (
            Review.objects.select_for_update(of=("self",), no_key=True)
            .select_related("author", "column")
            .filter(pk=self.target.pk)
            .first()
        )
        if stored is None:
            raise TransitionError("This review was deleted meanwhile.")
        # Read once for the links as they would be, the corrections and
        # the snapshot of the review as stored (each would read them again).
        prefetch_related_objects([stored], *STORED_LINKS)
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
        # What it links to is read afresh once written, not from the copy.
        wanted._prefetched_objects_cache = {}
        edit = self.edit
        for name, value in edit.fields.items():
            if name not in CONTENT_FIELDS:
                raise ValueError(f"{name} is not a content field of a review")
            setattr(wanted, name, value)
        # As validation would (and before the comparison): pasted control
        # characters settled, so a change that only adds one changes nothing.
        wanted.keep_plain_text()
        wanted.body = (wanted.body or "").replace("\r\n", "\n")
        if self.hero is None:
            wanted.hero_image, wanted.hero_width, wanted.hero_height = "", None, None
        elif isinstance(self.hero, StoredHero):
            wanted.hero_width, wanted.hero_height = self.hero.width, self.hero.height
            wanted.hero_image = self.hero.name
        status = edit.status if edit.status is not None else wanted.status
        at = edit.published_at if edit.published_at is not KEEP else wanted.published_at
        if stored is not None:
            at = same_moment(at, stored.published_at)
            wanted.updated_at = same_moment(wanted.updated_at, stored.updated_at)
        if status == Status.PUBLISHED and at is None:
            at = self.now
        wanted.status, wanted.published_at = normalize(status, at), at
        if wanted.status == Status.REVIEW and (stored is None or stored.status != Status.REVIEW):
            wanted.submitted_at = self.now
        return wanted

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

    def write(
        self, stored, wanted: Review, links: dict, corrections, changes, changed
    ) -> EditResult:
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
            make_crops(wanted, self.written)
        ranking = derived.edit_started(stored, changed)
        derived.edit_drawing(wanted, changed)
        wanted.save()
        review = wanted
        edit = self.edit
        with derived.editor_writes_links():
            for name in ("dramas", "featured_people", "quotes", "up_next_picks"):
                if getattr(edit, name) is not None or (
                    name == "featured_people" and edit.add_featured_people
                ):
                    getattr(review, name).set(links[name])
            if edit.tags is not None:
                current = {t.name for t in review.tags.all()} if stored else set()
                if current != set(links["tags"]):
                    review.tags.set(links["tags"], clear=True)
            if edit.corrections is not None:
                write_corrections(review, corrections, by=self.by)
        if stored is not None and stored.slug != review.slug:
            keep_old_address(review=review, old_slug=stored.slug, was_public=stored.is_published())
        if stored is None:
            SlugRedirect.objects.filter(old_slug=review.slug, review=review).delete()
        derived.edit_written(review, ranking, changed)
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


def keep_old_address(*, review: Review, old_slug: str, was_public: bool) -> None:
    """Keep a public review's old address working. Redirects point at the
    review, not at another slug, so chains cannot form; a review taking
    back one of its own old addresses stops redirecting it."""
    SlugRedirect.objects.filter(old_slug=review.slug, review=review).delete()
    if was_public:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"review": review})


def _same_state(expected: tuple[str, datetime | None], stored: Review) -> bool:
    status, at = expected
    return status == stored.status and same_moment(at, stored.published_at) == stored.published_at
