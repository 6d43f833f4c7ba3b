"""Search across reviews, dramas, characters and people.

Reviews are found by their words. On PostgreSQL that is full-text search in
web-search syntax over a stored, GIN-indexed document in which the headline
weighs more than the standfirst, which weighs more than the body; on
SQLite, every word must start a word of the review. Reviews about the
dramas and people found are results too. Both rank what is found in the
same tiers (``TIERS``), best first:

1. the headline holds the query's words as written, in order;
2. the headline holds every word as written, or the standfirst or text
   holds the words as written, in order ("Run On" finds "run on", not
   "running" or "runs on");
3. the review is about a drama or person the query names;
4. anything else that matches, a stem or the start of a word ("running").

Within a tier the weighted rank (PostgreSQL) or the best field (SQLite)
orders them, then the newest first.

Dramas, characters and people are found by any spelling of their names:
trigram similarity between the query (and its romanization key, see
people.romanization) and each one's ``search_names``. PostgreSQL computes it
with pg_trgm; on SQLite the same measure is computed in Python, so the
default set-up finds the same names.

The package: ``text`` (reading queries, highlighting), one module per
database (``postgresql``, ``sqlite``), ``reading`` (what PostgreSQL's search
makes of a query's phrases and choices), and here what both share.

Only public reviews are searched (``Review.objects.published()``), and only
the text readers may see outside the page: a body's spoilers are not in its
``search_text``, so they are neither matched nor quoted. Snippets escape
everything and add only <mark>.
"""

import functools
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection, router
from django.db.models import DateTimeField, QuerySet
from django.utils import timezone

from kdrama_rewind.caching.pages import remembered
from kdrama_rewind.data.plans import planned_for_their_values
from kdrama_rewind.data.statements import Loaded, Slot, Statement, numbered, numbered_values
from people.models import Person
from people.romanization import romanization_key

from .. import cache_keys
from ..models import Character, Drama, Review
from . import postgresql, sqlite, text
from .postgresql import review_document
from .sqlite import strict_word_similarity
from .text import (
    NAME_MARGIN,
    REVIEWS_PER_PAGE,
    WORD,
    Terms,
    clean_query,
    excerpt,
    highlight,
    query_terms,
    terms_pattern,
)

__all__ = [
    "REVIEWS_PER_PAGE",
    "SearchResults",
    "clean_query",
    "excerpt",
    "highlight",
    "query_terms",
    "review_document",
    "search",
    "strict_word_similarity",
    "terms_pattern",
]


def engine():
    """The module that searches on the database in use."""
    return postgresql if connection.vendor == "postgresql" else sqlite


def _name_groups(query: str) -> dict[str, list]:
    if all(len(word) == 1 and word.isascii() for word in WORD.findall(query)):
        return {"dramas": [], "people": [], "characters": []}  # single letters match junk
    key = romanization_key(query)
    groups = {
        "dramas": Drama.objects.only("title", "original_title", "slug", "year", "search_names"),
        "people": Person.objects.only("name", "hangul_name", "slug", "search_names"),
        "characters": Character.objects.select_related("drama", "played_by").only(
            "name",
            "hangul_name",
            "search_names",
            "drama__title",
            "drama__slug",
            "drama__year",
            "played_by__name",
            "played_by__slug",
        ),
    }
    scored = engine().scored_name_groups(groups, query, key)
    best = max((s for pairs in scored.values() for _, s in pairs), default=0.0)
    return {
        name: [obj for obj, s in pairs if s >= best - NAME_MARGIN] for name, pairs in scored.items()
    }


def _about(dramas: list[Drama], people: list[Person]) -> list[int]:
    """The reviews about the dramas and people found, as ids: one query, and
    a list the review query can combine with the full-text index."""
    if not dramas and not people:
        return []
    shape = (len(dramas), len(people))
    ids = {
        **numbered_values("drama", [drama.pk for drama in dramas]),
        **numbered_values("person", [person.pk for person in people]),
    }
    rows = ABOUT.rows(shape, using=router.db_for_read(Review), **ids)
    return sorted(pk for (pk,) in rows)


def _reviews_about(dramas: int, people: int) -> QuerySet:
    """The ids of the reviews about ``dramas`` dramas and ``people`` people
    (``ABOUT``), each id a slot."""
    about = []
    if dramas:
        through = Review.dramas.through
        about.append(
            through.objects.filter(drama__pk__in=numbered("drama", dramas)).values("review_id")
        )
    if people:
        through = Review.featured_people.through
        about.append(
            through.objects.filter(person__pk__in=numbered("person", people)).values("review_id")
        )
    first, *others = about
    return first.union(*others).values_list("review_id")


# Kept, like the names: building it cost more than running it (at most
# ``NAMES_PER_GROUP`` of each, so a few dozen shapes).
ABOUT = Statement(_reviews_about)


def _names_and_about(query: str) -> tuple[dict[str, list], list[int]]:
    names = _name_groups(query)
    return names, _about(names["dramas"], names["people"])


@dataclass
class SearchResults:
    query: str
    reviews: Page | None = None
    dramas: list[Drama] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    characters: list[Character] = field(default_factory=list)
    capped: bool = False  # more reviews matched than were ranked and counted

    @property
    def found(self) -> bool:
        return bool(
            (self.reviews and self.reviews.paginator.count)
            or self.dramas
            or self.people
            or self.characters
        )


def _ranked(query: str, terms: Terms, about_ids: list[int]) -> tuple[list[int], bool]:
    """The matching reviews' ids in rank order, at most ``text.RANKED_MATCHES`` of
    them, in one query (so the count needs no second), and whether more
    reviews matched than were ranked."""
    # How common the words are decides the best plan: never a generic
    # one. The other queries' plans do not depend on their values.
    with planned_for_their_values(router.db_for_read(Review)):
        ranked = engine().ranked(query, terms, about_ids)
    return ranked[: text.RANKED_MATCHES], len(ranked) > text.RANKED_MATCHES


SEARCH_RESULT_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "search_text",
    "published_at",
    "author__name",
    "column__name",
)


@functools.cache
def _result_columns() -> Loaded:
    return Loaded.of(Review.objects.select_related("author", "column").only(*SEARCH_RESULT_FIELDS))


def _results_of(count: int) -> QuerySet:
    """The public reviews of ``count`` ids (``RESULTS_OF``), as a result shows them."""
    public = Review.objects.published(at=Slot("now", DateTimeField()))
    return public.filter(pk__in=numbered("id", count)).values_list(*_result_columns().columns())


# Kept: building the query cost more than running it (a page of ids).
RESULTS_OF = Statement(_results_of)


def _page(ranked: list[int], page) -> Page:
    page_obj = Paginator(ranked, REVIEWS_PER_PAGE).get_page(page)
    ids = list(page_obj.object_list)
    found = {}
    if ids:
        using, loaded = router.db_for_read(Review), _result_columns()
        rows = RESULTS_OF.rows(
            (len(ids),), using=using, now=timezone.now(), **numbered_values("id", ids)
        )
        found = {review.pk: review for review in (loaded.instance(using, row) for row in rows)}
    page_obj.object_list = [found[pk] for pk in ids if pk in found]
    return page_obj


def search(raw_query: str | None, *, page: str | int | None = None) -> SearchResults:
    """Everything public that matches the query, grouped. Reviews are
    paginated (``page`` as ``Paginator.get_page`` takes it); each one on the
    page has ``title_html`` and ``snippet_html``, escaped and highlighted."""
    query = clean_query(raw_query)
    terms = query_terms(query)
    if not WORD.search(query):
        return SearchResults(query)
    # Names change rarely and a trending name is searched again and again:
    # which dramas, people and characters match, and the reviews about them,
    # are kept until a name or what a review is about changes (an edit of a
    # review's words leaves them).
    names, about_ids = remembered(
        f"search-names:{terms.names}",
        lambda: _names_and_about(terms.names),
        depends=[cache_keys.NAMES],
    )

    # Kept like the names: a query searched again costs one query, its page.
    ranked, capped = remembered(
        f"search-reviews:{query}", lambda: _ranked(query, terms, about_ids), depends=["search"]
    )
    page_obj = _page(ranked, page)
    pattern = terms_pattern(terms.wanted)
    for review in page_obj.object_list:
        review.title_html = highlight(review.title, pattern)
        review.snippet_html = excerpt(review.search_text, pattern) or highlight(
            review.standfirst, pattern
        )
    return SearchResults(query, page_obj, **names, capped=capped)
