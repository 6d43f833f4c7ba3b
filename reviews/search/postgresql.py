"""Search on PostgreSQL: full-text search for reviews, pg_trgm for names.

Reviews: web-search syntax over a stored, GIN-indexed document (migration
reviews 0005: title A, standfirst B, ``search_text`` C; ``search_text`` is
stored when a review is saved, ``reviews.services.derived``), only the
newest ``RANKED_MATCHES`` matches ranked. Names: the trigram index narrows
the rows, the score applies the project's threshold.
"""

import re

from django.contrib.postgres.lookups import TrigramStrictWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
    TrigramStrictWordSimilarity,
)
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from ..models import Review
from . import text
from .text import NAME_THRESHOLD, NAMES_PER_GROUP, TIERS, Terms

SEARCH_CONFIG = "english"


def scored_names(queryset: QuerySet, query: str, key: str) -> list[tuple[object, float]]:
    # The %>> operator can use the trigram index (at pg_trgm's threshold);
    # the score then applies ours, whatever the server's is.
    similar = TrigramStrictWordSimilar(F("search_names"), query)
    score = TrigramStrictWordSimilarity(query, "search_names")
    if key and key != query:
        similar |= TrigramStrictWordSimilar(F("search_names"), key)
        score = Greatest(score, TrigramStrictWordSimilarity(key, "search_names"))
    matches = (
        queryset.filter(similar)
        .annotate(score=score)
        .filter(score__gte=NAME_THRESHOLD)
        .order_by("-score", *queryset.model._meta.ordering)
    )
    return [(obj, obj.score) for obj in matches[:NAMES_PER_GROUP]]


def review_document() -> RawSQL:
    """A review's weighted words: title A, standfirst B, search_text C. A
    column PostgreSQL computes and indexes (migration reviews 0005) rather
    than a model field, so that no other query loads it; no other table in
    a review query has a column of that name."""
    return RawSQL("search_document", (), output_field=SearchVectorField())


# A hyphen inside a word ("run-on", "Se-kyung"): read as a space, so the
# words match however the review hyphenates them.
INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


def reviews_matching(query: str, terms: Terms, about: Q) -> QuerySet:
    words = INNER_HYPHEN.sub(" ", query)
    tsquery = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
    # Without a word to look for, "-drama" alone would match everything else.
    match = Q(document=tsquery) if terms.wanted else Q(pk__in=[])
    public = Review.objects.published().alias(document=review_document())
    # A word in half the archive would have every match ranked: only the
    # newest text.RANKED_MATCHES are, so a search costs the same at any size; the
    # newest text.RANKED_MATCHES with every word in the headline are ranked too,
    # so an older review titled with the query is not left out.
    newest = (
        public.filter(match | about)
        .order_by("-published_at", "-id")
        .values("pk")[: text.RANKED_MATCHES + 1]  # one more: are there more?
    )
    candidates = newest
    if terms.wanted:
        # Words are letters and digits only (WORD), so this is safe as raw
        # syntax. The title's own index (migration reviews 0013) finds them
        # however old: the document's index cannot tell title words apart.
        every_word = " & ".join(terms.wanted)
        headline = SearchQuery(every_word, search_type="raw", config=SEARCH_CONFIG)
        titled = (
            public.alias(title_words=SearchVector("title", config=SEARCH_CONFIG))
            .filter(match, title_words=headline)
            .order_by("-published_at", "-id")
            .values("pk")[: text.RANKED_MATCHES]
        )
        # One list of ids, which PostgreSQL looks up by key (two lists
        # joined by OR had it read every review to test both).
        candidates = newest.union(titled)
    return (
        Review.objects.filter(pk__in=candidates)
        .alias(document=review_document())
        .annotate(rank=SearchRank(F("document"), tsquery), tier=tier(terms, about))
        .order_by("-tier", "-rank", "-published_at", "-id")
    )


def tier(terms: Terms, about: Q) -> Case:
    """Exact words are compared in the 'simple' configuration: no stems,
    no words dropped. Only the ranked candidates are read, and the body
    only where the stored document holds the phrase's stems."""
    phrase = " ".join(terms.phrase)
    if not phrase:
        return Case(When(about, then=TIERS["about"]), default=TIERS["other"])
    exact = SearchQuery(phrase, search_type="phrase", config="simple")
    stems = SearchQuery(phrase, search_type="phrase", config=SEARCH_CONFIG)
    every_word = SearchQuery(phrase, search_type="plain", config="simple")
    headline = SearchVector("title", config="simple")
    text = SearchVector("standfirst", "search_text", config="simple")
    return Case(
        When(SearchVectorExact(headline, exact), then=TIERS["headline phrase"]),
        When(SearchVectorExact(headline, every_word), then=TIERS["exact"]),
        When(Q(document=stems) & SearchVectorExact(text, exact), then=TIERS["exact"]),
        When(about, then=TIERS["about"]),
        default=TIERS["other"],
    )
