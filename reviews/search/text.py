"""Search's text helpers: reading a query, and highlighting what it found.

Pure functions of strings, the same on every database: the query cleaned
and split into the words meant (web-search syntax: "a phrase", OR,
-left-out), the pattern that finds those words and their stems, and
escaped snippets with <mark> around the matches.
"""

import re
import unicodedata
from html import escape
from itertools import compress, islice
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe

SEARCH_MAX_LENGTH = 200
REVIEWS_PER_PAGE = 10
NAMES_PER_GROUP = 5
# At most this many reviews are ranked and counted for a query; on
# PostgreSQL, the newest of those that match.
RANKED_MATCHES = 500
# On PostgreSQL, a review whose headline holds every word of the query is
# ranked however old where at most this many headlines hold them: the query
# then names a few reviews by their headlines. Where more do, the words name
# none in particular, and the newest matches are ranked, headlines first
# among them. (SQLite ranks every match.)
HEADLINES_ALWAYS_RANKED = 100
# Trigram similarity (0–1) between a query and the closest run of words in a
# name list. Misspellings of names in the demo data score 0.5 and more
# ("Shin Si-kyung" → Shin Se-kyung 0.73, "Kim Tairi" → Kim Tae-ri 0.50);
# names that are not there stay below (Park Min-young 0.40, Gong Yoo 0.44,
# "the" 0.29). On PostgreSQL each name lookup sets pg_trgm's threshold to
# it (higher where a name matches exactly), so the GIN index narrows the rows.
NAME_THRESHOLD = 0.5
# Names much further from the query than the best match are left out: with
# "Shin Se-kyeong" finding Shin Se-kyung at 1.0, Jung Kyung-ho (0.5) is noise.
NAME_MARGIN = 0.3
# The tiers a match is ranked in (see ``reviews.search``).
TIERS = {"headline phrase": 4, "exact": 3, "about": 2, "other": 1}
TEXT_FIELDS = ("title", "standfirst", "search_text")

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
    """``text`` escaped, with the words that match wrapped in <mark>. (The
    standard library's ``escape`` writes what Django's does, without the
    wrapper that looks for lazy text: a page of results escapes about a
    hundred pieces.)"""
    if pattern is None:
        return mark_safe(escape(text))
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[position : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece of text is escaped


def excerpt(text: str, pattern: re.Pattern | None, *, words: int = 36) -> SafeString:
    """About ``words`` words of ``text`` where the most different matching
    words come together, highlighted; empty when nothing in it matches."""
    if pattern is None:
        return SafeString("")
    tokens = text.split()
    # The positions of the words that match, found without a Python step per
    # word (a third faster on the archive's texts of about 300 words).
    matching = compress(range(len(tokens)), map(pattern.search, tokens))
    hits = [
        (i, {m.lower() for m in pattern.findall(tokens[i])}) for i in islice(matching, MAX_HITS)
    ]
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
