"""Things reviews share — dramas, characters, quotes, people, genres, tags,
columns and authors — are part of the workflow too.

A review's page shows them (a pull quote, an actor's name, the column), so
changing one changes what readers see on every review that shows it. While
one of those reviews is approved (published, or scheduled to go out by
itself), only an editor may change or delete it; writers may create new ones
and change those only unpublished reviews show. Every change to one that an
approved review shows is noted in that review's History.
"""

from django.db.models import Model, Q, QuerySet

from people.models import Author, Person

from .. import permissions
from ..models import Character, Column, Drama, Genre, Quote, Review, Revision, Tag

LABEL_LENGTH = 60


def reviews_showing(obj: Model) -> QuerySet:
    """Every review whose page shows ``obj``, whatever its status."""
    match obj:
        case Quote():
            shown = Q(quotes=obj)
        case Character():
            shown = Q(quotes__character=obj) | Q(dramas=obj.drama_id)
        case Drama():
            shown = Q(dramas=obj) | Q(quotes__character__drama=obj)
        case Person():
            shown = (
                Q(featured_people=obj)
                | Q(quotes__character__played_by=obj)
                | Q(dramas__characters__played_by=obj)
            )
        case Genre():
            shown = Q(dramas__genres=obj)
        case Tag():
            shown = Q(tagged_items__tag=obj)
        case Column():
            shown = Q(column=obj)
        case Author():
            shown = Q(author=obj)
        case _:
            raise TypeError(f"reviews do not share {type(obj).__name__} objects")
    return Review.objects.filter(pk__in=Review.objects.filter(shown).values("pk"))


def approved_reviews_showing(obj: Model) -> QuerySet:
    """The reviews showing ``obj`` that readers see, or will see by themselves."""
    return reviews_showing(obj).approved()


def change_refusal(user, obj: Model) -> str | None:
    """Why ``user`` may not change or delete ``obj``, or None if they may."""
    if obj.pk is None or permissions.can_publish(user):
        return None
    shown_on = approved_reviews_showing(obj).order_by("-published_at").first()
    if shown_on is None:
        return None
    return (
        f"{_describe(obj)} appears on “{shown_on}”, which is published or scheduled, "
        "so only an editor can change it."
    )


def record_shared_change(*, obj: Model, by, via: str, what: str) -> int:
    """Note a change to ``obj`` in the History of every approved review that
    shows it; returns how many. Call it before a deletion (afterwards the
    links are gone) and after a change."""
    return _note(obj, approved_reviews_showing(obj), by=by, via=via, what=what)


def record_shared_addition(*, obj: Model, by, via: str) -> int:
    """Note a new shared thing, as a change is noted: a new character in the
    reviews showing its drama; a new quote, which no review quotes yet, in
    those showing its character (its page and its drama's show it at once)."""
    shown = obj.character if isinstance(obj, Quote) else obj
    return _note(obj, approved_reviews_showing(shown), by=by, via=via, what="added")


def _note(obj: Model, shown_on: QuerySet, *, by, via: str, what: str) -> int:
    reviews = list(shown_on.values_list("pk", "version"))
    summary = f"{_describe(obj)}: {what}"[:500]
    Revision.objects.bulk_create(
        Revision(
            review_id=pk,
            version=version,
            kind=Revision.Kind.SHARED,
            summary=summary,
            via=via[:300],
            created_by=by,
            snapshot=None,
        )
        for pk, version in reviews
    )
    return len(reviews)


def _describe(obj: Model) -> str:
    label = str(obj)
    if len(label) > LABEL_LENGTH:
        label = label[: LABEL_LENGTH - 1].rstrip() + "…"
    if not label.startswith("“"):
        label = f"“{label}”"
    return f"{obj._meta.verbose_name.capitalize()} {label}"
