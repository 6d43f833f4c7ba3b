"""What is stored on a review because of what it says and links to, kept
up to date when either changes.

- The body as readers see it, its word count and its search document
  (``reviews.rendering.render_body``), and what its page shows of its
  dramas, people, tags, quotes and corrections (``reviews.page_facts``):
  made by :func:`refresh_bodies` when the review is saved (``edit_review``
  calls :func:`edit_started` and then :func:`edit_written`, in its
  transaction), and when a drama, person, character, quote or tag it shows
  is saved (:func:`connect`, in the same transaction as that save: a
  failure rolls both back, so a stored body never disagrees with what it
  names).
- The review as a card in lists (``reviews.cards``): drawn when an edit
  changes what a card shows (:func:`edit_drawing`, before the edit writes),
  and for the reviews of an author or column whose name changes, or of a
  column deleted (:func:`connect`): the newest ``AT_ONCE`` in the same
  transaction, the rest by a task after it commits.
- Its “Up Next” list and the lists it appears in
  (``reviews.services.up_next``): made again when the review's status,
  publish time, dramas, people, tags, column or pinned picks change, and
  when a name a reason shows is changed.

``manage.py regenerate_reviews`` makes everything again, after a change to
the renderer, the cards or the ranking.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.apps import apps as django_apps
from django.db.models import Prefetch, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.tasks import task

from kdrama_rewind.tasks import enqueue_on_commit
from people.models import Author, Person

from ..cache_keys import linked_reviews
from ..cards import STORED_CARD_FIELDS, stored_cards
from ..models import Character, Column, Correction, Drama, Quote, Review, Tag, TaggedReview
from ..page_facts import collect
from ..rendering import render_body
from ..up_next import Signal
from .up_next import refresh_up_next, refresh_up_next_around, signals_of

BATCH = 200
# At most this much stored text (characters of ``search_text``) is written by
# one statement. PostgreSQL derives the search columns from it as it writes
# (migrations 0005, 0021, 0022): a text of 200,000 characters, the longest
# body allowed, took 111 ms to write. 200 of those in one statement would
# take about 22 s, near the statement time limit
# (DJANGO_DB_STATEMENT_TIMEOUT_MS, 30 s by default) and past it on a slower
# machine; 2,000,000 characters take about 1.1 s.
TEXT_PER_STATEMENT = 2_000_000
DERIVED_FIELDS = ["body_html", "placed_quotes", "word_count", "search_text", "page_facts"]


def refresh_bodies(*, review_ids: Iterable[int], apps=django_apps) -> int:
    """Render and store the bodies of these reviews; returns how many.
    ``apps``: a migration's historical models (``reviews/migrations/0012``)."""
    Review, Drama, Quote = (apps.get_model("reviews", n) for n in ("Review", "Drama", "Quote"))
    Person = apps.get_model("people", "Person")
    quote_fields = ("text", "episode", "character__name", "character__played_by__name")
    reviews = (
        Review.objects.filter(pk__in=list(review_ids))
        .only("pk", "body")
        .prefetch_related(
            Prefetch("dramas", Drama.objects.only("title", "original_title", "slug")),
            Prefetch(
                "featured_people", Person.objects.only("name", "hangul_name", "aliases", "slug")
            ),
            Prefetch(
                "quotes",
                Quote.objects.select_related("character__played_by").only(*quote_fields),
            ),
        )
    )
    reviews = list(reviews)
    facts = collect([review.pk for review in reviews], apps=apps)
    for review in reviews:
        rendered = render_body(
            review.body,
            dramas=review.dramas.all(),
            people=review.featured_people.all(),
            quotes=list(review.quotes.all()),
        )
        _set(review, rendered)
        review.page_facts = facts[review.pk]
    # Migration 0012's historical review has no stored facts yet (0014 fills them).
    fields = [name for name in DERIVED_FIELDS if hasattr(Review, name)]
    for written in _by_text_size(reviews):
        Review.objects.bulk_update(written, fields)
    return len(reviews)


def _by_text_size(reviews: list) -> Iterator[list]:
    """``reviews`` in groups of at most ``BATCH`` and, past the first of a
    group, at most ``TEXT_PER_STATEMENT`` characters of stored text."""
    group, size = [], 0
    for review in reviews:
        length = len(review.search_text)
        if group and (len(group) == BATCH or size + length > TEXT_PER_STATEMENT):
            yield group
            group, size = [], 0
        group.append(review)
        size += length
    if group:
        yield group


def refresh_facts(*, review_ids: Iterable[int], apps=django_apps) -> int:
    """Store again what these reviews' pages show of what they link to
    (``reviews.page_facts``), leaving their bodies: a tag's rename."""
    Review = apps.get_model("reviews", "Review")
    facts = collect(review_ids, apps=apps)
    reviews = [Review(pk=pk, page_facts=shown) for pk, shown in facts.items()]
    Review.objects.bulk_update(reviews, ["page_facts"], batch_size=BATCH)
    return len(reviews)


def _set(review, rendered):
    review.body_html, review.placed_quotes = rendered.html, rendered.placed_quotes
    review.word_count, review.search_text = rendered.word_count, rendered.search_text
    return review


def render_into(review: Review) -> Review:
    """Set the review's derived fields from its body and links (unsaved)."""
    rendered = render_body(
        review.body,
        dramas=review.dramas.all(),
        people=review.featured_people.all(),
        quotes=list(review.quotes.select_related("character__played_by")),
    )
    review.page_facts = collect([review.pk])[review.pk]
    return _set(review, rendered)


@dataclass(frozen=True)
class Ranking:
    """What a review's place in “Up Next” lists depends on."""

    status: str
    published_at: object
    signals: frozenset[Signal]
    picks: frozenset[int]

    @classmethod
    def of(cls, review: Review) -> "Ranking":
        return cls(
            review.status,
            review.published_at,
            frozenset(signals_of([review.pk]).get(review.pk, ())),
            frozenset(review.up_next_picks.values_list("pk", flat=True)),
        )


# What an edit must change (snapshot keys, ``reviews.services.snapshots``)
# for the stored body and facts to be made again, and for the review's
# place in “Up Next” lists to be looked at again. A standfirst's edit changes
# neither: the save skips both (19 statements).
RENDERED_FROM = frozenset({"body", "dramas", "featured_people", "quotes", "tags", "corrections"})
RANKED_BY = frozenset(
    {"status", "published_at", "column", "dramas", "featured_people", "tags", "up_next_picks"}
)


# What an edit must change (snapshot keys) for the review's cards to be
# drawn again.
DRAWN_FROM = frozenset(
    {
        "title",
        "slug",
        "standfirst",
        "hero_image",
        "hero_alt",
        "hero_focus",
        "author",
        "column",
        "published_at",
    }
)


def edit_drawing(review: Review, changed: set[str] | None) -> None:
    """Before an edit writes the review: its cards drawn again, if the edit
    changes what they show, to be written with it."""
    if _touches(changed, DRAWN_FROM):
        draw_into(review)


def draw_into(review: Review) -> Review:
    """Set the review's stored cards (unsaved). A new review's slug is made
    first: its cards link to it."""
    review.fill_slug()
    for name, html in stored_cards(review).items():
        setattr(review, name, html)
    return review


def refresh_cards(*, review_ids: Iterable[int]) -> int:
    """Draw and store the cards of these reviews; returns how many."""
    reviews = list(Review.objects.filter(pk__in=list(review_ids)).cards().order_by("pk"))
    for review in reviews:
        draw_into(review)
    Review.objects.bulk_update(reviews, STORED_CARD_FIELDS, batch_size=BATCH)
    return len(reviews)


def edit_started(stored: Review | None, changed: set[str] | None) -> Ranking | None:
    """Before an edit writes: what ranks the review as stored, if the edit
    can change it. ``changed``: the snapshot keys the edit changes (None: a
    new review)."""
    if stored is None or not _touches(changed, RANKED_BY):
        return None
    return Ranking.of(stored)


def edit_written(review: Review, before: Ranking | None, changed: set[str] | None) -> None:
    """After an edit wrote the review and its links, in its transaction."""
    if _touches(changed, RENDERED_FROM):
        Review.objects.bulk_update([render_into(review)], DERIVED_FIELDS)
    if _touches(changed, RANKED_BY):
        if before is not None and not _touches(changed, RANKED_BY - {"status", "published_at"}):
            # A move (publish, unpublish, a new time): the same links rank it.
            after = replace(before, status=review.status, published_at=review.published_at)
        else:
            after = Ranking.of(review)
        if after != before:
            refresh_up_next_around(
                review=review, before=before.signals if before else (), after=after.signals
            )


def _touches(changed: set[str] | None, keys: frozenset[str]) -> bool:
    return changed is None or not keys.isdisjoint(changed)


def refresh_review(review: Review) -> None:
    """Everything derived from one review, as if it had just been saved
    through the editing service (for data written another way)."""
    Review.objects.bulk_update(
        [draw_into(render_into(review))], [*DERIVED_FIELDS, *STORED_CARD_FIELDS]
    )
    refresh_up_next_around(review=review)


# ------------------------------------------------- what a review shows


def reviews_showing(instance) -> Q:
    """The reviews whose stored body or “Up Next” reasons show ``instance``."""
    if isinstance(instance, Drama):
        return Q(dramas=instance)
    if isinstance(instance, Person):
        return Q(featured_people=instance) | Q(quotes__character__played_by=instance)
    if isinstance(instance, Character):
        return Q(quotes__character=instance)
    if isinstance(instance, Quote):
        return Q(quotes=instance)
    return Q(tags=instance)


def showing(instance) -> list[int]:
    return list(
        Review.objects.filter(reviews_showing(instance))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def refresh_showing(instance, pks: list[int] | None = None) -> int:
    """Render again exactly the reviews that show ``instance`` (``pks``,
    if found before it was deleted), and make their “Up Next” lists again
    (their reasons name it)."""
    pks = showing(instance) if pks is None else pks
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        if isinstance(instance, Tag):
            refresh_facts(review_ids=batch)
        else:
            refresh_bodies(review_ids=batch)
        if isinstance(instance, Drama | Person | Tag):
            refresh_up_next(review_ids=batch)
    return len(pks)


def _saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        refresh_showing(instance)


def _deleting(sender, instance, **kwargs):
    instance._shown_in = showing(instance)


def _deleted(sender, instance, **kwargs):
    refresh_showing(instance, getattr(instance, "_shown_in", []))


# ------------------------------------------- links written another way

# True while the editing service writes a review's links: it derives once,
# when it has written them all (``edit_written``).
_editing_links: ContextVar[bool] = ContextVar("editing_links", default=False)


@contextmanager
def editor_writes_links():
    """Links written inside this block are the editing service's: it
    derives what they change itself, once, afterwards."""
    token = _editing_links.set(True)
    try:
        yield
    finally:
        _editing_links.reset(token)


def _through_reviews(sender, instance, reverse, pk_set) -> list[int]:
    """The reviews whose links an ``m2m_changed`` signal reports."""
    if not reverse:
        return [instance.pk]
    if pk_set is not None:
        return list(pk_set)
    # A clear from the other side (``drama.reviews.clear()``): found before it.
    return getattr(instance, "_derived_clearing", [])


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A review's dramas, people or quotes linked or unlinked other than
    through the editing service: its body and facts follow at once."""
    if _editing_links.get():
        return
    if action == "pre_clear" and reverse:
        instance._derived_clearing = sorted(linked_reviews(sender, instance))
    elif action in ("post_add", "post_remove", "post_clear"):
        refresh_bodies(review_ids=_through_reviews(sender, instance, reverse, pk_set))


def _facts_changed(review_id):
    def receiver(sender, instance, raw=False, **kwargs):
        """A tag link or a correction written other than through the
        editing service: the review's facts follow at once."""
        if not raw and not _editing_links.get():
            refresh_facts(review_ids=[review_id(instance)])

    return receiver


_tagging_changed = _facts_changed(lambda link: link.content_object_id)
_correction_changed = _facts_changed(lambda correction: correction.review_id)


# ------------------------------------------- names a card shows


def _name_changing(sender, instance, raw=False, **kwargs):
    """Before an author or column is saved: whether its name changes."""
    if raw or instance.pk is None:
        instance._card_name_changed = False
        return
    before = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    instance._card_name_changed = before is not None and before != instance.name


def _name_changed(sender, instance, created, raw=False, **kwargs):
    if not created and not raw and getattr(instance, "_card_name_changed", False):
        _redraw_cards_of(sender, instance.pk)


def _column_deleting(sender, instance, **kwargs):
    # Its reviews are left without a column (SET_NULL) by an UPDATE that
    # sends no signal of theirs.
    instance._card_reviews = list(instance.reviews.values_list("pk", flat=True))


def _column_deleted(sender, instance, **kwargs):
    _redraw(getattr(instance, "_card_reviews", []))


def _redraw_cards_of(model, pk: int) -> None:
    relation = "author" if model is Author else "column"
    reviews = Review.objects.filter(**{relation: pk}).newest_first()
    _redraw(reviews.values_list("pk", flat=True))


# How many of an author's or column's reviews have their cards drawn again
# in the rename's own transaction: the newest, which lists show first. A
# column of 14,141 reviews took 19.3 s to draw whole, too long for a
# request; a task draws the rest after the commit, ``TASK_BATCH`` a task.
# Until it has, lists draw those cards afresh (their digest names the old
# name), so no reader sees the old one.
AT_ONCE = 400
TASK_BATCH = 2_000


def _redraw(review_ids) -> None:
    """Draw these reviews' cards again (newest first): the first
    ``AT_ONCE`` now, the rest by tasks once the change commits."""
    ids = list(review_ids)
    for start in range(0, min(len(ids), AT_ONCE), BATCH):
        refresh_cards(review_ids=ids[start : min(start + BATCH, AT_ONCE)])
    for start in range(AT_ONCE, len(ids), TASK_BATCH):
        enqueue_on_commit(redraw_cards, ids[start : start + TASK_BATCH])


@task
def redraw_cards(review_ids: list[int]) -> int:
    """Draw these reviews' cards again as they are now; safe to run twice."""
    done = 0
    for start in range(0, len(review_ids), BATCH):
        done += refresh_cards(review_ids=review_ids[start : start + BATCH])
    return done


def connect() -> None:
    """Follow saves and deletions of what reviews show (from
    ``ReviewsConfig.ready``: ``people`` cannot call into ``reviews``), and
    links written other than through the editing service. Django runs
    these inside the transaction of the save or delete."""
    for model in (Drama, Person, Character, Quote, Tag):
        uid = f"derived-{model.__name__}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for through in (Review.dramas.through, Review.featured_people.through, Review.quotes.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"derived-{through}")
    for model in (Author, Column):
        uid = f"cards-{model.__name__}"
        pre_save.connect(_name_changing, sender=model, dispatch_uid=uid)
        post_save.connect(_name_changed, sender=model, dispatch_uid=uid)
    pre_delete.connect(_column_deleting, sender=Column, dispatch_uid="cards-Column")
    post_delete.connect(_column_deleted, sender=Column, dispatch_uid="cards-Column")
    for model, receiver in ((TaggedReview, _tagging_changed), (Correction, _correction_changed)):
        uid = f"derived-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)


def regenerate_bodies(
    *, progress: Callable[[int, int], None] = lambda done, total: None, apps=django_apps
) -> int:
    """Every review's stored body and facts, ``BATCH`` at a time; ``progress``
    hears how many are done (of how many) after each batch."""
    return _every_review(refresh_bodies, progress=progress, apps=apps)


def regenerate_cards(*, progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Every review's stored cards, ``BATCH`` at a time."""
    return _every_review(
        lambda review_ids, apps: refresh_cards(review_ids=review_ids),
        progress=progress,
        apps=django_apps,
    )


def regenerate_facts(
    *, progress: Callable[[int, int], None] = lambda done, total: None, apps=django_apps
) -> int:
    """Every review's stored facts alone (``reviews/migrations/0014``)."""
    return _every_review(refresh_facts, progress=progress, apps=apps)


def _every_review(refresh, *, progress, apps) -> int:
    Review = apps.get_model("reviews", "Review")
    pks = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        refresh(review_ids=pks[start : start + BATCH], apps=apps)
        progress(min(start + BATCH, len(pks)), len(pks))
    return len(pks)
