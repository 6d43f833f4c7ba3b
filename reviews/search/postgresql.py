"""Search on PostgreSQL: full-text search for reviews, pg_trgm for names.

Reviews: web-search syntax over a stored, GIN-indexed document (migration
reviews 0005: title A, standfirst B, ``search_text`` C; ``search_text`` is
stored when a review is saved, ``reviews.services.derived``), only the
newest ``RANKED_MATCHES`` matches ranked, and with them the reviews whose
headline holds every word, where at most ``HEADLINES_ALWAYS_RANKED`` do.
A quoted phrase is looked up first by its pairs of neighbouring words
(migration reviews 0021), so only the reviews holding them have their
document read for it. What ranking reads of each candidate is stored in
its row (migration reviews 0023): the document, and the headline's words
stemmed and as written. What the query's shape lets a search skip or look
up first (its phrases, the choices OR offers, a word both required and
left out) is read in ``reading``, from the query and from how PostgreSQL
reads it (``as_read``). Names: the trigram index finds those at the
project's threshold (``scored_name_groups``).
"""

import re

from django.contrib.postgres.lookups import TrigramStrictWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
    TrigramStrictWordSimilarity,
)
from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    Expression,
    F,
    Q,
    QuerySet,
    TextField,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone

from kdrama_rewind.data.statements import AnyOf, Loaded, Slot, Statement, numbered_values

from ..models import Review
from . import text
from .reading import Reading, alternatives_of, contradicts, phrase_choices
from .text import NAME_MARGIN, NAME_THRESHOLD, NAMES_PER_GROUP, TIERS, WORD, Terms

SEARCH_CONFIG = "english"


def scored_name_groups(groups: dict[str, QuerySet], query: str, key: str) -> dict[str, list]:
    """Each group's closest names, with their scores, best first.

    A name counts when it scores ``NAME_THRESHOLD`` or more and no less than
    the best anywhere less ``NAME_MARGIN``. So where some name matches
    exactly (1.0), only names within the margin of it can count, and only
    those are looked for: the trigram index narrows them to a few rows,
    where at ``NAME_THRESHOLD`` a common word ("winter") has hundreds of
    names scored. One statement asks whether there is an exact match and
    sets the threshold to match.

    ``%>>`` keeps the names scoring pg_trgm's threshold or more, and the
    trigram index finds them; the settings last until this block's own
    transaction ends. PostgreSQL cannot tell how costly the scoring is: on
    a table of a few thousand names it would rather score every row (60 ms
    for the dramas) than read the index (1.4 ms), so sequential scans are
    off for these statements."""
    using = next(iter(groups.values())).db
    close = max(NAME_THRESHOLD, 1.0 - NAME_MARGIN)
    terms = [query, key] if key and key != query else [query]
    any_exact = " OR ".join(_any_similar(queryset, len(terms)) for queryset in groups.values())
    with transaction.atomic(using=using, savepoint=False):
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT {_threshold("'1'")}, {NO_SEQUENTIAL_SCANS}")
            # The condition is evaluated, at 1, before the threshold is set.
            threshold = _threshold(f"CASE WHEN {any_exact} THEN %s ELSE %s END")
            values = terms * len(groups)
            cursor.execute(f"SELECT {threshold}", [*values, str(close), str(NAME_THRESHOLD)])
        return {name: scored_names(queryset, query, key) for name, queryset in groups.items()}


NO_SEQUENTIAL_SCANS = "set_config('enable_seqscan', 'off', true)"


def _threshold(value_sql: str) -> str:
    """SQL setting pg_trgm's threshold to ``value_sql`` until the transaction ends."""
    return f"set_config('pg_trgm.strict_word_similarity_threshold', {value_sql}, true)"


def _any_similar(queryset: QuerySet, terms: int) -> str:
    """SQL: whether any row of ``queryset``'s table has names similar to one
    of ``terms`` placeholders, at pg_trgm's threshold. Written by hand, as
    building it took longer than running it; the groups are whole tables."""
    if queryset.query.has_filters():
        raise ValueError("a group of names searched is a whole table")
    table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
    similar = " OR ".join(["search_names %%>> %s"] * terms)
    return f"EXISTS (SELECT FROM {table} WHERE {similar})"


def scored_names(queryset: QuerySet, query: str, key: str) -> list[tuple[object, float]]:
    """The closest names at pg_trgm's threshold, as ``scored_name_groups``
    sets it, best first. A kept statement (built once per group and whether
    there is a romanization key): building the query cost more than running
    it (1.3 ms of building for the characters with their dramas and actors,
    0.6 ms of running), and each search asks for three groups."""
    if queryset.query.has_filters():
        raise ValueError("a group of names searched is a whole table")
    loaded = Loaded.of(queryset)
    shape = (loaded, bool(key and key != query))
    rows = NAMES.rows(shape, using=queryset.db, query=query, key=key)
    return [(loaded.instance(queryset.db, row), row[-1]) for row in rows]


def _names_matching(loaded: Loaded, has_key: bool) -> QuerySet:
    query, key = Slot("query", TextField()), Slot("key", TextField())
    similar = TrigramStrictWordSimilar(F("search_names"), query)
    score = TrigramStrictWordSimilarity(query, "search_names")
    if has_key:
        similar |= TrigramStrictWordSimilar(F("search_names"), key)
        score = Greatest(score, TrigramStrictWordSimilarity(key, "search_names"))
    return (
        loaded.model.objects.filter(similar)
        .annotate(score=score)
        .order_by("-score", *loaded.model._meta.ordering)
        .values_list(*loaded.columns(), "score")[:NAMES_PER_GROUP]
    )


NAMES = Statement(_names_matching)


def review_document() -> RawSQL:
    """A review's weighted words: title A, standfirst B, search_text C. A
    column PostgreSQL computes and indexes (migration reviews 0005) rather
    than a model field, so that no other query loads it."""
    return stored_words("search_document")


def stored_words(column: str) -> RawSQL:
    """One of the review's word columns PostgreSQL computes when a row is
    written (the document, the headline's words, the words as written;
    migrations reviews 0005, 0022, 0023), named alone: no other table in a
    review query has a column of those names."""
    return RawSQL(column, (), output_field=SearchVectorField())


# A hyphen inside a word ("run-on", "Se-kyung"): read as a space, so the
# words match however the review hyphenates them.
INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


def ranked(query: str, terms: Terms, about_ids: list[int]) -> list[int]:
    """The ids of the reviews matching, best first: at most
    ``text.RANKED_MATCHES``, and one more if there are more."""
    words = INNER_HYPHEN.sub(" ", query)
    using = router.db_for_read(Review)
    alternatives = alternatives_of(words)
    choices = phrase_choices(alternatives)
    # How PostgreSQL reads the query, where it matters: one short statement.
    read = None
    if "-" in words or choices:
        read = as_read(words, alternatives if len(choices) > 1 else [], using)
    # "garden -gardens" (or "garden - gardens") can match nothing, but
    # PostgreSQL would read every review to find that out: only the reviews
    # about the names are left.
    wanted = bool(terms.wanted) and not ("-" in words and contradicts(read.query))
    if not wanted and not about_ids:
        return []  # "-drama" alone: nothing to look for
    # What finds each choice's matches in an index, where each has something:
    # the phrases of some, the words of the others. Counted, not listed in
    # order, in the statement's shape (an OR's order changes nothing), so
    # the shapes kept stay few however a query orders its choices.
    lookups = read.lookups(choices, alternatives) if choices else []
    phrased = [phrases for phrases, _ in lookups if phrases]
    by_words = [alternative for phrases, alternative in lookups if not phrases]
    # Plain words only (no "phrase", no -word, no punctuation inside one): a
    # headline holding every wanted word matches the query itself.
    only_words = all(WORD.fullmatch(token) for token in words.split())
    shape = (
        wanted,
        bool(terms.phrase),
        bool(about_ids),
        only_words,
        (len(phrased), len(by_words)),
        text.RANKED_MATCHES,
        text.HEADLINES_ALWAYS_RANKED,
    )
    rows = RANKING.rows(
        shape,
        using=using,
        now=timezone.now(),
        words=words,
        every_word=" & ".join(terms.wanted),
        phrase=" ".join(terms.phrase),
        about=about_ids,
        **numbered_values("phrases", phrased),
        **numbered_values("alternative", by_words),
    )
    return [pk for (pk,) in rows]


def as_read(words: str, alternatives: list[str], using: str) -> Reading:
    """How PostgreSQL reads ``words`` and each of ``alternatives``, in one
    statement."""
    parts = [words, *alternatives]
    read = ", ".join(["websearch_to_tsquery(%s::regconfig, %s)::text"] * len(parts))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT {read}", [value for part in parts for value in (SEARCH_CONFIG, part)]
        )
        query, *each = cursor.fetchone()
    return Reading(query, each)


def reviews_matching(
    wanted: bool,
    phrase: bool,
    about: bool,
    only_words: bool,
    choices: tuple[int, int],
    limit: int,
    few: int,
) -> QuerySet:
    """The ranking query of one shape, its values in slots (``RANKING``):
    rows of the id, the date, the tier and the rank, in that order.
    ``choices``: how many of the query's choices are looked up by their
    phrases, and how many by their words; ``limit``: how many of the newest
    matches are ranked; ``few``: how many headlines holding the words are
    ranked however old (``text.HEADLINES_ALWAYS_RANKED``)."""
    tsquery = SearchQuery(Slot("words", TextField()), search_type="websearch", config=SEARCH_CONFIG)
    about_q = Q(AnyOf(F("pk"), Slot("about"))) if about else Q(pk__in=[])
    # Without a word to look for, "-drama" alone would match everything else.
    match = Q(document=tsquery) if wanted else Q(pk__in=[])
    phrased, by_words = choices
    if wanted and (phrased or by_words):
        # Only the reviews holding each phrase's pairs of words (of one of
        # the choices) have their document read for the phrases (migration
        # reviews 0021); a choice without a phrase ("winter garden" or snow)
        # is found by its own words in the document's index. (Left to the
        # query as a whole, PostgreSQL read every review newest first for a
        # rare word: 400 ms at 100,000 reviews.)
        holds = Q()
        for i in range(phrased):
            holds |= Q(HoldsPairs(Slot(f"phrases{i}")))
        for i in range(by_words):
            alone = Slot(f"alternative{i}", TextField())
            holds |= Q(document=SearchQuery(alone, search_type="websearch", config=SEARCH_CONFIG))
        match &= holds
    public = Review.objects.published(at=Slot("now", DateTimeField())).alias(
        document=review_document()
    )
    # Each candidate is ranked as it is read: looked up again by its id to
    # be ranked, the 1,000 candidates of "winter garden" cost about 2 ms more.
    ranking = {"tier": tier(phrase, about_q), "rank": SearchRank(F("document"), tsquery)}
    order = ("-tier", "-rank", "-published_at", "-pk")
    columns = ("pk", "published_at", "tier", "rank")
    # A word in half the archive would have every match ranked: only the
    # newest ``limit`` are, so a search costs the same at any size; the
    # reviews with every word in the headline are ranked too where they are
    # at most ``few``, so an older review titled with the query is not left
    # out.
    newest = public.filter(match | about_q).order_by("-published_at", "-id")
    if not wanted:
        # The reviews about the names found: nothing titled to add.
        candidates = newest.values("pk")[: limit + 1]  # one more: are there more?
        ranked = Review.objects.filter(pk__in=candidates).alias(document=review_document())
        return ranked.annotate(**ranking).order_by(*order).values_list(*columns)[: limit + 1]
    # The wanted words are letters and digits only (WORD), so joined by "&"
    # they are safe as raw syntax. The title's own stored words and their
    # index (migration reviews 0023) find them however old: the document's
    # index cannot tell title words apart.
    headline = SearchQuery(Slot("every_word", TextField()), search_type="raw", config=SEARCH_CONFIG)
    titled = public.alias(title_words=stored_words("search_title")).filter(title_words=headline)
    if not only_words:
        # "A phrase" or -a word: the headline's words are not enough. (Asked
        # always, PostgreSQL intersected the title's matches with the
        # document's: 13 ms for a common word at 100,000 reviews.)
        titled = titled.filter(match)
    # Only where few headlines hold the words (``HEADLINES_ALWAYS_RANKED``):
    # whether there is one more is asked once, and PostgreSQL stops reading
    # at it, where ranking them all read every one (1,380 reviews for
    # "winter garden" at 100,000, 5.5-6.5 ms) to sort them by date.
    titled = titled.filter(~Exists(titled.values("pk")[few : few + 1]))
    # Newest first, then the tier and rank, which change no order after
    # the id: named in the sort, they are computed as each titled review is
    # read. Left out, PostgreSQL computed them after the sort, so it carried
    # every titled review's document through it: 1,441 reviews for "winter
    # garden" at 100,000, about 2 ms more.
    titled = titled.annotate(**ranking).order_by("-published_at", "-id", "tier", "rank")
    # One list of candidates (two lists joined by OR had PostgreSQL read
    # every review to test both); a review in both is one row, ranked the
    # same in each.
    return (
        newest.annotate(**ranking)
        .values_list(*columns)[: limit + 1]  # one more: are there more?
        .union(titled.values_list(*columns)[:limit])
        .order_by(*order)[: limit + 1]
    )


# Built and compiled once per shape: building it cost ten times running it.
# Only the ids come back, in the same order: the columns that order them
# were 1,500 values more to read for each search (the dates the slowest, at
# about 1 µs each in Python).
RANKING = Statement(
    reviews_matching,
    around='SELECT "pk" FROM ({query}) AS ranked '
    'ORDER BY "tier" DESC, "rank" DESC, "published_at" DESC, "pk" DESC',
)


class HoldsPairs(Expression):
    """Whether a review holds every pair of neighbouring words of the
    ``phrases`` (a list of strings): a condition the pairs' index answers.
    The column's name alone, as for the document: no other table in a
    review query has it."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, phrases: Expression):
        super().__init__()
        self.phrases = phrases

    def get_source_expressions(self):
        return [self.phrases]

    def set_source_expressions(self, exprs):
        (self.phrases,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.phrases)
        return f"search_pairs @> review_phrase_pairs({sql}::text[])", params


def tier(phrase: bool, about: Q) -> Case:
    """Exact words are compared in the 'simple' configuration: no stems,
    no words dropped. Only the ranked candidates are read, and their
    stored words as written only where the stored document holds the
    phrase's stems."""
    if not phrase:
        return Case(When(about, then=TIERS["about"]), default=TIERS["other"])
    words = Slot("phrase", TextField())
    exact = SearchQuery(words, search_type="phrase", config="simple")
    stems = SearchQuery(words, search_type="phrase", config=SEARCH_CONFIG)
    every_word = SearchQuery(words, search_type="plain", config="simple")
    # The headline's, standfirst's and text's words as written, stored
    # (migrations reviews 0022, 0023): parsed here, the texts cost 107 ms
    # for one common word, the headline 12 ms for two.
    headline = stored_words("search_title_exact")
    text = stored_words("search_exact")
    return Case(
        When(SearchVectorExact(headline, exact), then=TIERS["headline phrase"]),
        When(SearchVectorExact(headline, every_word), then=TIERS["exact"]),
        When(Q(document=stems) & SearchVectorExact(text, exact), then=TIERS["exact"]),
        When(about, then=TIERS["about"]),
        default=TIERS["other"],
    )
