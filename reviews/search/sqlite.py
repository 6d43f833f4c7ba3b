"""Search without PostgreSQL (the one-machine SQLite set-up).

Names: pg_trgm's strict word similarity computed in Python over every
row, so the default set-up finds the same names. Reviews: every wanted
word starts a word of the headline, standfirst or text (regular
expressions), ranked in the same tiers as on PostgreSQL.
"""

import re

from django.db.models import Case, Q, QuerySet, Value, When

from ..models import Review
from . import text
from .text import NAME_THRESHOLD, NAMES_PER_GROUP, TEXT_FIELDS, TIERS, WORD, Terms, terms_pattern

TRIGRAM_EXTENT = 6  # longest run of words a query is compared with, in Python


def _word_trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def strict_word_similarity(query: str, text: str) -> float:
    """pg_trgm's ``strict_word_similarity``: the trigram similarity between
    ``query`` and the most similar run of whole words in ``text``."""
    wanted = set().union(*(_word_trigrams(w) for w in WORD.findall(query.lower())))
    if not wanted:
        return 0.0
    words = [_word_trigrams(w) for w in WORD.findall(text.lower())]
    longest = len(WORD.findall(query)) + TRIGRAM_EXTENT
    best = 0.0
    for start in range(len(words)):
        extent: set[str] = set()
        for grams in words[start : start + longest]:
            extent |= grams
            shared = len(wanted & extent)
            best = max(best, shared / (len(wanted) + len(extent) - shared))
    return best


def scored_name_groups(groups: dict[str, QuerySet], query: str, key: str) -> dict[str, list]:
    """Each group's closest names, with their scores, best first."""
    return {name: scored_names(queryset, query, key) for name, queryset in groups.items()}


def scored_names(queryset: QuerySet, query: str, key: str) -> list[tuple[object, float]]:
    """Without PostgreSQL every row is scored here, in one query: about
    0.07 ms a name, fine for the one-machine SQLite set-up."""
    scored = []
    for obj in queryset:
        score = max(
            strict_word_similarity(query, obj.search_names),
            strict_word_similarity(key, obj.search_names) if key != query else 0.0,
        )
        if score >= NAME_THRESHOLD:
            scored.append((obj, score))
    scored.sort(key=lambda pair: -pair[1])  # stable: the queryset's order breaks ties
    return scored[:NAMES_PER_GROUP]


def ranked(query: str, terms: Terms, about_ids: list[int]) -> list[int]:
    """The ids of the reviews matching, best first: at most
    ``text.RANKED_MATCHES``, and one more if there are more."""
    about = Q(pk__in=about_ids)
    matching = reviews_matching(query, terms, about).values_list("pk", flat=True)
    return list(matching[: text.RANKED_MATCHES + 1])


def reviews_matching(query: str, terms: Terms, about: Q) -> QuerySet:
    """Without PostgreSQL: every wanted word starts a word of the headline,
    standfirst or text, a headline match ranking first."""
    match, rank = Q(), Value(0)
    for word in terms.wanted:
        where = {f: Q(**{f"{f}__iregex": terms_pattern([word]).pattern}) for f in TEXT_FIELDS}
        match &= where["title"] | where["standfirst"] | where["search_text"]
        rank += Case(
            When(where["title"], then=3),
            When(where["standfirst"], then=2),
            When(where["search_text"], then=1),
            default=0,
        )
    for word in terms.unwanted:
        pattern = terms_pattern([word]).pattern
        match &= ~Q(*(Q(**{f"{f}__iregex": pattern}) for f in TEXT_FIELDS), _connector=Q.OR)
    matches = (match if terms.wanted else Q(pk__in=[])) | about
    return (
        Review.objects.published()
        .filter(matches)
        .annotate(rank=rank, tier=tier(terms, about))
        .order_by("-tier", "-rank", "-published_at", "-id")
    )


def tier(terms: Terms, about: Q) -> Case:
    """The tiers with Python's regular expressions: whole words, in order."""
    if not terms.phrase:
        return Case(When(about, then=TIERS["about"]), default=TIERS["other"])
    between = r"[\W_]+"
    phrase = rf"(?<![^\W_]){between.join(re.escape(w) for w in terms.phrase)}(?![^\W_])"
    every_word = Q(
        *(Q(title__iregex=rf"(?<![^\W_]){re.escape(w)}(?![^\W_])") for w in terms.phrase)
    )
    return Case(
        When(title__iregex=phrase, then=TIERS["headline phrase"]),
        When(every_word, then=TIERS["exact"]),
        When(Q(standfirst__iregex=phrase) | Q(search_text__iregex=phrase), then=TIERS["exact"]),
        When(about, then=TIERS["about"]),
        default=TIERS["other"],
    )
