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

Only public reviews are searched (``Review.objects.published()``), and only
the text readers may see outside the page: a body's spoilers are not in its
``search_text``, so they are neither matched nor quoted. Snippets escape
everything and add only <mark>.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from django.contrib.postgres.lookups import TrigramStrictWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
    TrigramStrictWordSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kdrama_rewind.page_cache import remembered
from people.models import Person
from people.romanization import romanization_key

from .models import Character, Drama, Review

SEARCH_MAX_LENGTH = 200
REVIEWS_PER_PAGE = 10
NAMES_PER_GROUP = 5
# At most this many reviews are ranked and counted for a query; on
# PostgreSQL, the newest of those that match.
RANKED_MATCHES = 500
# Trigram similarity (0–1) between a query and the closest run of words in a
# name list. Misspellings of names in the demo data score 0.5 and more
# ("Shin Si-kyung" → Shin Se-kyung 0.73, "Kim Tairi" → Kim Tae-ri 0.50);
# names that are not there stay below (Park Min-young 0.40, Gong Yoo 0.44,
# "the" 0.29). 0.5 is also pg_trgm's strict_word_similarity_threshold, which
# lets the GIN index narrow the rows first.
NAME_THRESHOLD = 0.5
# Names much further from the query than the best match are left out: with
# "Shin Se-kyeong" finding Shin Se-kyung at 1.0, Jung Kyung-ho (0.5) is noise.
NAME_MARGIN = 0.3
SEARCH_CONFIG = "english"

WORD = re.compile(r"[^\W_]+")
MAX_HITS = 50  # matching words an excerpt looks at
SUFFIXES = ("ing", "ed", "ly", "s")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Words too common to look for or to highlight; PostgreSQL's English
# configuration drops these and more.
STOP_WORDS = frozenset(
    "a an and are as at be but by for from has he her his i in is it its of on or "
    "she that the their they this to was were with".split()
)


def clean_query(raw: str | None) -> str:
    """The query as searched and shown: no control characters (NUL among
    them), Unicode in composed form, single spaces, at most 200 characters."""
    text = CONTROL.sub(" ", (raw or "")[: SEARCH_MAX_LENGTH * 4])
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text[:SEARCH_MAX_LENGTH].strip()


class Terms(NamedTuple):
    """A query read as web-search syntax: "a phrase", OR, -left-out."""

    names: str  # the words meant, without the syntax, for matching names
    wanted: list[str]  # words to find and highlight, lower-cased, common ones dropped
    unwanted: list[str]  # words after a minus sign

    @property
    def phrase(self) -> list[str]:
        """Every word meant, common ones too, lower-cased and in order: what
        an exact match holds."""
        return [word.lower() for word in WORD.findall(self.names)]


def query_terms(query: str) -> Terms:
    """The parts of a (cleaned) query."""
    names, wanted, unwanted = [], {}, {}
    for token in query.split():
        words = [word.lower() for word in WORD.findall(token)]
        if token.startswith("-"):
            unwanted.update(dict.fromkeys(words))
        elif words != ["or"]:
            names.append(token.strip('"“”'))
            wanted.update((word, None) for word in words if word not in STOP_WORDS)
    return Terms(" ".join(n for n in names if n), list(wanted), list(unwanted))


def stem(word: str) -> str:
    """A rough English stem, so that highlights agree with what full-text
    search matched: "running" → "run", "quietly" → "quiet"."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word.removesuffix(suffix)
            return word[:-1] if len(word) > 3 and word[-1] == word[-2] else word
    return word


def terms_pattern(terms: list[str]) -> re.Pattern | None:
    """Words that start with a term or its stem; a term of one or two
    letters only matches a whole word."""
    if not terms:
        return None
    ordered = sorted({stem(t) for t in terms}, key=len, reverse=True)
    prefixes = "|".join(re.escape(t) for t in ordered if len(t) > 2)
    whole = "|".join(re.escape(t) for t in ordered if len(t) <= 2)
    branches = [f"(?:{prefixes})[^\\W_]*"] if prefixes else []
    branches += [f"(?:{whole})(?![^\\W_])"] if whole else []
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(branches)})", re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """``text`` escaped, with the words that match wrapped in <mark>."""
    if pattern is None:
        return escape(text)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[position : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece of text is escaped


def excerpt(text: str, pattern: re.Pattern | None, *, words: int = 36) -> SafeString:
    """About ``words`` words of ``text`` where the most different matching
    words come together, highlighted; empty when nothing in it matches."""
    tokens = text.split()
    matching = (
        (i, {m.lower() for m in pattern.findall(token)})
        for i, token in enumerate(tokens)
        if pattern and pattern.search(token)
    )
    hits = list(islice(matching, MAX_HITS))
    if not hits:
        return SafeString("")

    def window_start(index: int) -> int:
        return max(0, min(index - words // 4, len(tokens) - words))

    def variety(index: int) -> int:
        start = window_start(index)
        return len(set().union(*(found for i, found in hits if start <= i < start + words)))

    start = window_start(max((i for i, _ in hits), key=variety))
    window = " ".join(tokens[start : start + words])
    before = "… " if start > 0 else ""
    after = " …" if start + words < len(tokens) else ""
    return mark_safe(before + highlight(window, pattern) + after)


# ---------------------------------------------------------------- names

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


def _scored_in_python(queryset: QuerySet, query: str, key: str) -> list[tuple[object, float]]:
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


def _scored_in_postgresql(queryset: QuerySet, query: str, key: str) -> list[tuple[object, float]]:
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
    score = _scored_in_postgresql if connection.vendor == "postgresql" else _scored_in_python
    scored = {name: score(queryset, query, key) for name, queryset in groups.items()}
    best = max((s for pairs in scored.values() for _, s in pairs), default=0.0)
    return {
        name: [obj for obj, s in pairs if s >= best - NAME_MARGIN] for name, pairs in scored.items()
    }


# ---------------------------------------------------------------- reviews

TEXT_FIELDS = ("title", "standfirst", "search_text")


def review_document() -> RawSQL:
    """A review's weighted words: title A, standfirst B, search_text C. A
    column PostgreSQL computes and indexes (migration reviews 0005) rather
    than a model field, so that no other query loads it; no other table in
    a review query has a column of that name."""
    return RawSQL("search_document", (), output_field=SearchVectorField())


def _about(dramas: list[Drama], people: list[Person]) -> list[int]:
    """The reviews about the dramas and people found, as ids: one query, and
    a list the review query can combine with the full-text index."""
    about = []
    if dramas:
        about.append(Review.dramas.through.objects.filter(drama__in=dramas).values("review_id"))
    if people:
        through = Review.featured_people.through
        about.append(through.objects.filter(person__in=people).values("review_id"))
    if not about:
        return []
    first, *others = about
    return sorted(first.union(*others).values_list("review_id", flat=True))


def _names_and_about(query: str) -> tuple[dict[str, list], list[int]]:
    names = _name_groups(query)
    return names, _about(names["dramas"], names["people"])


# The tiers a match is ranked in (see the module's docstring).
TIERS = {"headline phrase": 4, "exact": 3, "about": 2, "other": 1}


# A hyphen inside a word ("run-on", "Se-kyung"): read as a space, so the
# words match however the review hyphenates them.
INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


def _reviews_in_postgresql(query: str, terms: Terms, about: Q) -> QuerySet:
    words = INNER_HYPHEN.sub(" ", query)
    tsquery = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
    # Without a word to look for, "-drama" alone would match everything else.
    match = Q(document=tsquery) if terms.wanted else Q(pk__in=[])
    public = Review.objects.published().alias(document=review_document())
    # A word in half the archive would have every match ranked: only the
    # newest RANKED_MATCHES are, so a search costs the same at any size; the
    # newest RANKED_MATCHES with every word in the headline are ranked too,
    # so an older review titled with the query is not left out.
    newest = (
        public.filter(match | about)
        .order_by("-published_at", "-id")
        .values("pk")[: RANKED_MATCHES + 1]  # one more: are there more?
    )
    candidates = Q(pk__in=newest)
    if terms.wanted:
        # Words are letters and digits only (WORD), so this is safe as raw syntax.
        in_headline = " & ".join(f"{word}:A" for word in terms.wanted)
        headline = SearchQuery(in_headline, search_type="raw", config=SEARCH_CONFIG)
        titled = (
            public.filter(match, document=headline)
            .order_by("-published_at", "-id")
            .values("pk")[:RANKED_MATCHES]
        )
        candidates |= Q(pk__in=titled)
    return (
        Review.objects.filter(candidates)
        .alias(document=review_document())
        .annotate(rank=SearchRank(F("document"), tsquery), tier=_tier_in_postgresql(terms, about))
        .order_by("-tier", "-rank", "-published_at", "-id")
    )


def _tier_in_postgresql(terms: Terms, about: Q) -> Case:
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


def _reviews_by_pattern(terms: Terms, about: Q) -> QuerySet:
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
        .annotate(rank=rank, tier=_tier_by_pattern(terms, about))
        .order_by("-tier", "-rank", "-published_at", "-id")
    )


def _tier_by_pattern(terms: Terms, about: Q) -> Case:
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


# ---------------------------------------------------------------- results


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


def _ranked(reviews: QuerySet) -> tuple[list[int], bool]:
    """The matching reviews' ids in rank order, at most ``RANKED_MATCHES`` of
    them, in one query (so the count needs no second), and whether more
    reviews matched than were ranked."""
    ranked = list(reviews.values_list("pk", flat=True)[: RANKED_MATCHES + 1])
    return ranked[:RANKED_MATCHES], len(ranked) > RANKED_MATCHES


def _page(ranked: list[int], page) -> Page:
    page_obj = Paginator(ranked, REVIEWS_PER_PAGE).get_page(page)
    found = (
        Review.objects.published()
        .select_related("author", "column")
        .defer("body")
        .in_bulk(page_obj.object_list)
    )
    page_obj.object_list = [found[pk] for pk in page_obj.object_list if pk in found]
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
    # are kept until anything changes.
    names, about_ids = remembered(
        f"search-names:{terms.names}", lambda: _names_and_about(terms.names), depends=["search"]
    )

    def rank():
        about = Q(pk__in=about_ids) if about_ids else Q(pk__in=[])
        if connection.vendor == "postgresql":
            return _ranked(_reviews_in_postgresql(query, terms, about))
        return _ranked(_reviews_by_pattern(terms, about))

    # Kept like the names: a query searched again costs one query, its page.
    ranked, capped = remembered(f"search-reviews:{query}", rank, depends=["search"])
    page_obj = _page(ranked, page)
    pattern = terms_pattern(terms.wanted)
    for review in page_obj.object_list:
        review.title_html = highlight(review.title, pattern)
        review.snippet_html = excerpt(review.search_text, pattern) or highlight(
            review.standfirst, pattern
        )
    return SearchResults(query, page_obj, **names, capped=capped)
