"""What a drama's page shows: the drama, its genres, cast, quotes and the
reviews of it, each read by a kept statement (the view in
``reviews.views``).

Building the page's five queries cost the worker more than PostgreSQL
took to run them, as it did for the review page (``review_page``). Each
part loads when the template first asks for it, so parts the page takes
from the fragment cache cost nothing. The rows are made into the instances
the querysets made, so what the page shows is recorded for invalidation as
before (``kdrama_rewind.caching.dependencies``).
"""

import functools

from django.db import router
from django.db.models import DateTimeField, IntegerField, TextField
from django.utils import timezone
from django.utils.functional import cached_property

from kdrama_rewind.data.statements import Loaded, Slot, Statement

from .models import Character, Drama, Genre, Quote, Review
from .models.reviews import card_columns


def _every_field(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields]


@functools.cache
def _drama_columns() -> Loaded:
    return Loaded.of(Drama.objects.only(*_every_field(Drama)))


@functools.cache
def _cast_columns() -> Loaded:
    # Each character's drama is the page's, set on it, never joined.
    return Loaded.of(
        Character.objects.select_related("played_by").only(
            "drama", "name", "hangul_name", "aliases", "role", "played_by__name", "played_by__slug"
        )
    )


@functools.cache
def _quote_columns() -> Loaded:
    return Loaded.of(
        Quote.objects.select_related("character").only(
            "text", "episode", "context", "character__drama", "character__name"
        )
    )


@functools.cache
def _genre_columns() -> Loaded:
    return Loaded.of(Genre.objects.only("name", "slug"))


def _drama():
    drama = Drama.objects.filter(slug=Slot("slug", TextField())).order_by()  # unique
    return drama.values_list(*_drama_columns().columns())[:1]


def _cast():
    characters = Character.objects.filter(drama=Slot("drama", IntegerField()))
    return characters.values_list(*_cast_columns().columns())


def _genres():
    genres = Genre.objects.filter(dramas=Slot("drama", IntegerField()))
    return genres.values_list(*_genre_columns().columns())


def _quotes():
    quotes = Quote.objects.filter(character__drama=Slot("drama", IntegerField()))
    return quotes.values_list(*_quote_columns().columns())


def _reviews():
    live = Review.objects.published(at=Slot("now", DateTimeField()))
    reviews = live.filter(dramas=Slot("drama", IntegerField())).newest_first()
    return reviews.values_list(*card_columns().columns())


DRAMA_AT_ADDRESS = Statement(_drama)
CAST = Statement(_cast)
GENRES = Statement(_genres)
QUOTES = Statement(_quotes)
REVIEWS = Statement(_reviews)


def drama_at(slug: str) -> Drama | None:
    """The drama at ``slug``: one kept statement."""
    using = router.db_for_read(Drama)
    rows = DRAMA_AT_ADDRESS.rows((), using=using, slug=slug)
    return _drama_columns().instance(using, rows[0]) if rows else None


class DramaPage:
    """The parts of a drama's page, each read when first asked for."""

    def __init__(self, drama: Drama):
        self.drama = drama

    def _read(self, statement: Statement, loaded: Loaded, model, **values) -> list:
        using = router.db_for_read(model)
        rows = statement.rows((), using=using, drama=self.drama.pk, **values)
        return [loaded.instance(using, row) for row in rows]

    @cached_property
    def characters(self) -> list[Character]:
        """The cast with their actors, in billing order: what the cast list
        and the JSON-LD show."""
        characters = self._read(CAST, _cast_columns(), Character)
        for character in characters:
            character.drama = self.drama
        return characters

    @cached_property
    def genres(self) -> list[Genre]:
        return self._read(GENRES, _genre_columns(), Genre)

    @cached_property
    def quotes(self) -> list[Quote]:
        quotes = self._read(QUOTES, _quote_columns(), Quote)
        for quote in quotes:
            quote.character.drama = self.drama
        return quotes

    @cached_property
    def reviews(self) -> list[Review]:
        """The drama's public reviews as cards, newest first."""
        return self._read(REVIEWS, card_columns(), Review, now=timezone.now())
