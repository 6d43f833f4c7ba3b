"""What a review's page shows of the things it links to: its dramas' facts,
its featured people, its tags, its pull quotes and its corrections.

They are stored on the review (``Review.page_facts``) whenever the review or
one of them is saved (``reviews.services.derived``), so drawing the page
reads none of them from their tables. :func:`collect` reads them for a batch
of reviews (with any models: a migration's historical ones too); :class:`Shown`
gives one review's back as unsaved model instances, enough for the page's
template and its JSON-LD.
"""

import datetime
from collections.abc import Iterable
from functools import cached_property

from django.apps import apps as django_apps
from django.db.models import DateField
from django.db.models.fields.files import FieldFile

from people.models import Person

from .models import Character, Correction, Drama, Quote, Tag

DRAMA_FACTS = (
    "title",
    "original_title",
    "slug",
    "year",
    "first_aired",
    "network",
    "episodes",
    "poster",
    "poster_width",
    "poster_height",
)
PERSON_FACTS = ("name", "slug")
TAG_FACTS = ("name", "slug")
CORRECTION_FACTS = ("kind", "text", "noted_at")
KINDS = ("dramas", "people", "tags", "quotes", "corrections")
SHOWN = (("dramas", Drama), ("people", Person), ("tags", Tag), ("quotes", Quote))


def _value(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return value


def _freeze(instance, names) -> dict:
    return {"id": instance.pk} | {name: _value(getattr(instance, name)) for name in names}


def collect(review_ids: Iterable[int], *, apps=django_apps) -> dict[int, dict]:
    """Each review's facts, read in five queries whatever the batch's size,
    in the order the page lists them."""
    Review, TaggedReview, Correction = (
        apps.get_model("reviews", name) for name in ("Review", "TaggedReview", "Correction")
    )
    ids = list(review_ids)
    facts = {pk: {kind: [] for kind in KINDS} for pk in ids}
    through = Review.dramas.through.objects.filter(review_id__in=ids)
    for row in through.select_related("drama").order_by("drama__title", "drama_id"):
        facts[row.review_id]["dramas"].append(_freeze(row.drama, DRAMA_FACTS))
    through = Review.featured_people.through.objects.filter(review_id__in=ids)
    for row in through.select_related("person").order_by("person__name", "person_id"):
        facts[row.review_id]["people"].append(_freeze(row.person, PERSON_FACTS))
    tagged = TaggedReview.objects.filter(content_object_id__in=ids).select_related("tag")
    for row in tagged.order_by("tag__name", "tag_id"):
        facts[row.content_object_id]["tags"].append(_freeze(row.tag, TAG_FACTS))
    through = Review.quotes.through.objects.filter(review_id__in=ids)
    through = through.select_related("quote__character__played_by")
    for row in through.order_by("quote__episode", "quote_id"):
        character, played_by = row.quote.character, row.quote.character.played_by
        facts[row.review_id]["quotes"].append(
            _freeze(row.quote, ("text", "episode"))
            | {"character": _freeze(character, ("name",))}
            | {"played_by": _freeze(played_by, ("name",)) if played_by else None}
        )
    corrections = Correction.objects.filter(review_id__in=ids).order_by("noted_at", "id")
    for correction in corrections:
        facts[correction.review_id]["corrections"].append(_freeze(correction, CORRECTION_FACTS))
    return facts


def _thaw(model, stored: dict):
    """An unsaved instance of ``model`` holding the stored values (dates
    were stored as text)."""
    values = {}
    for name, value in stored.items():
        field = model._meta.get_field(name)
        if value is not None and isinstance(field, DateField):  # DateTimeField too
            value = field.to_python(value)
        values[name] = value
    return model(**values)


class Shown:
    """One review's stored facts as model instances (never saved)."""

    def __init__(self, stored: dict | None):
        self.stored = stored or {}

    def _all(self, kind: str, model) -> list:
        return [_thaw(model, item) for item in self.stored.get(kind, ())]

    @cached_property
    def dramas(self) -> list[Drama]:
        return self._all("dramas", Drama)

    @cached_property
    def people(self) -> list[Person]:
        return self._all("people", Person)

    @cached_property
    def tags(self) -> list[Tag]:
        return self._all("tags", Tag)

    @cached_property
    def corrections(self) -> list[Correction]:
        return self._all("corrections", Correction)

    @cached_property
    def quotes(self) -> list[Quote]:
        quotes = []
        for item in self.stored.get("quotes", ()):
            played_by = _thaw(Person, item["played_by"]) if item["played_by"] else None
            quote = Quote(id=item["id"], text=item["text"], episode=item["episode"])
            quote.character = _thaw(Character, item["character"])
            quote.character.played_by = played_by
            quotes.append(quote)
        return quotes

    def named(self) -> list[tuple[type, int]]:
        """(model, pk) of everything the facts name, quotes' characters and
        actors too, read without making instances."""
        named = [(model, item["id"]) for kind, model in SHOWN for item in self.stored.get(kind, ())]
        for quote in self.stored.get("quotes", ()):
            named.append((Character, quote["character"]["id"]))
            if quote["played_by"]:
                named.append((Person, quote["played_by"]["id"]))
        return named
