"""What is stored on a review because of what it says and links to, kept
up to date when either changes.

- The body as readers see it, its word count and its search document
  (``reviews.rendering.render_body``): made by :func:`refresh_bodies` when
  the review is saved (``edit_review`` calls :func:`edit_started` and then
  :func:`edit_written`, in its transaction), and when a drama, person,
  character or quote it shows is saved (:func:`connect`, in the same
  transaction as that save: a failure rolls both back, so a stored body
  never disagrees with what it names).
- Its “Up Next” list and the lists it appears in
  (``reviews.services.up_next``): made again when the review's status,
  publish time, dramas, people, tags, column or pinned picks change, and
  when a name a reason shows is changed.

``manage.py regenerate_reviews`` makes everything again, after a change to
the renderer or the ranking.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db.models import Prefetch, Q
from django.db.models.signals import post_delete, post_save, pre_delete

from people.models import Person

from ..models import Character, Drama, Quote, Review, Tag
from ..rendering import render_body
from ..up_next import Signal
from .up_next import refresh_up_next, refresh_up_next_around, signals_of

BATCH = 200
DERIVED_FIELDS = ["body_html", "placed_quotes", "word_count", "search_text"]


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
    changed = []
    for review in reviews:
        rendered = render_body(
            review.body,
            dramas=review.dramas.all(),
            people=review.featured_people.all(),
            quotes=list(review.quotes.all()),
        )
        changed.append(_set(review, rendered))
    Review.objects.bulk_update(changed, DERIVED_FIELDS, batch_size=BATCH)
    return len(changed)


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


def edit_started(stored: Review | None) -> Ranking | None:
    """Before an edit writes: what ranks the review as stored."""
    return Ranking.of(stored) if stored is not None else None


def edit_written(review: Review, before: Ranking | None) -> None:
    """After an edit wrote the review and its links, in its transaction."""
    Review.objects.bulk_update([render_into(review)], DERIVED_FIELDS)
    after = Ranking.of(review)
    if after != before:
        refresh_up_next_around(review=review, before=before.signals if before else ())


def refresh_review(review: Review) -> None:
    """Everything derived from one review, as if it had just been saved
    through the editing service (for data written another way)."""
    Review.objects.bulk_update([render_into(review)], DERIVED_FIELDS)
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
        if not isinstance(instance, Tag):
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


def connect() -> None:
    """Follow saves and deletions of what reviews show (from
    ``ReviewsConfig.ready``: ``people`` cannot call into ``reviews``).
    Django runs both inside the transaction of the save or delete."""
    for model in (Drama, Person, Character, Quote, Tag):
        uid = f"derived-{model.__name__}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)


def regenerate_bodies(
    *, progress: Callable[[int, int], None] = lambda done, total: None, apps=django_apps
) -> int:
    """Every review's stored body, ``BATCH`` at a time; ``progress`` hears
    how many are done (of how many) after each batch."""
    Review = apps.get_model("reviews", "Review")
    pks = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        refresh_bodies(review_ids=pks[start : start + BATCH], apps=apps)
        progress(min(start + BATCH, len(pks)), len(pks))
    return len(pks)
