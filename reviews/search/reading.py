"""How web-search syntax reads a query, for PostgreSQL's search.

What a review search can skip or look up first depends on the query's
shape: the quoted phrases every match holds (looked up by their pairs of
words, migration reviews 0021), the choices OR offers, a word both
required and left out. Read here from the query as typed, and from the
text form PostgreSQL gives it (``'winter' <-> 'garden' & !'snow'``), which
settles what the typed form leaves open: web-search syntax reads "or,"
and "(or)" as a choice too. Nothing here touches the database.
"""

import re
from dataclasses import dataclass

from .text import STOP_WORDS, WORD

# A phrase in web-search syntax.
QUOTED = re.compile(r'"([^"]*)"')


def closed(words: str) -> str:
    """``words`` with a quote left open closed at the end, where web-search
    syntax ends the phrase."""
    return words + '"' if words.count('"') % 2 else words


# OR as web-search syntax reads a choice: the word after a space, "(" or a
# quote, before anything but a letter, digit, "_" or "-" ("or", "or,",
# "(or)", '"a b"or"c d"'; not "snow,or," or "or-snow").
OR = re.compile(r'(?:^|(?<=[\s("]))or(?![\w-])', re.IGNORECASE)


def alternatives_of(words: str) -> list[str]:
    """``words`` split where web-search syntax reads OR outside quotes (a
    quote left open runs to the end), empty parts left out.
    ``Reading.agrees`` checks that PostgreSQL reads the choices as split
    here."""
    words = closed(words)
    masked = QUOTED.sub(lambda found: '"' + "x" * (len(found.group()) - 2) + '"', words)
    cuts = [0, *(at for found in OR.finditer(masked) for at in found.span()), len(words)]
    parts = [words[start:end].strip() for start, end in zip(cuts[::2], cuts[1::2], strict=True)]
    return [part for part in parts if part]


def phrase_choices(alternatives: list[str]) -> list[list[str]]:
    """For each alternative, the quoted phrases its matches hold: a match of
    the query holds every phrase of one of the lists, or matches by its
    words alone an alternative whose list is empty. None where no
    alternative holds a phrase of two words or more: then no pairs narrow
    the search."""
    choices = [required_phrases(alternative) for alternative in alternatives]
    return choices if any(choices) else []


def required_phrases(words: str) -> list[str]:
    """The quoted phrases every match holds, as web-search syntax reads
    ``words`` (a quote left open runs to the end): none where OR offers a
    choice, and none with a minus sign before it, however spaced ("-", "- ",
    "word-": some leave the phrase out, and only those without are sure)."""
    words = closed(words)
    if "or" in QUOTED.sub(" ", words).lower().split():
        return []
    return [
        found.group(1)
        for found in QUOTED.finditer(words)
        if not words[: found.start()].rstrip().endswith("-")
        # A phrase of one word (common ones aside) has no pair to look up.
        and len([w for w in WORD.findall(found.group(1).lower()) if w not in STOP_WORDS]) > 1
    ]


# A stemmed word in a query's text form: 'garden', 'it''s'.
LEXEME = re.compile(r"'((?:[^']|'')*)'")


def offers_a_choice(tsquery: str) -> bool:
    """Whether a query in PostgreSQL's text form has an OR (``|`` outside
    the words)."""
    return "|" in LEXEME.sub("", tsquery)


def required_parts(tsquery: str) -> list[tuple[bool, str]] | None:
    """The parts a query in PostgreSQL's text form joins by AND, each with
    whether it is required (not left out) and its body, without the "!"s
    and the parentheses around it: ``'winter' & !( 'old' <-> 'river' )``
    gives ``(True, "'winter'")`` and ``(False, "'old' <-> 'river'")``. None
    where the query has a choice, or an "&" inside parentheses (not read
    here)."""
    if offers_a_choice(tsquery):
        return None
    parts = []
    # A stemmed word holds no space, so " & " only ever joins two parts.
    for part in tsquery.split(" & "):
        body = part.strip()
        syntax = LEXEME.sub("", body)
        if syntax.count("(") != syntax.count(")"):
            return None
        nots = len(body) - len(body.lstrip("!"))
        body = body.lstrip("!").strip()
        if body.startswith("(") and body.endswith(")"):
            body = body[1:-1].strip()
        parts.append((nots % 2 == 0, body))
    return parts


def contradicts(tsquery: str) -> bool:
    """Whether a query in PostgreSQL's text form (``'winter' <-> 'garden' &
    !'garden'``) requires a part and its negation: a word left out that a
    required word or phrase holds, or a phrase left out that is required.
    A query with a choice never contradicts: one side may match."""
    parts = required_parts(tsquery)
    if parts is None:
        return False
    required = {body for is_required, body in parts if is_required}
    left_out = {body for is_required, body in parts if not is_required}
    words = {word for body in required for word in LEXEME.findall(body)}
    alone = {found.group(1) for body in left_out if (found := LEXEME.fullmatch(body))}
    return bool(left_out & required or alone & words)


def looks_for_a_word(tsquery: str) -> bool:
    """Whether every match of a query in PostgreSQL's text form, without a
    choice, holds one of its words or phrases (``'snow' & !'ice'``): then
    the document's index finds them. Not so for a query that only leaves
    out (``!'snow'`` matches nearly every review) or holds no word at all."""
    parts = required_parts(tsquery) if tsquery else None
    return any(is_required for is_required, _ in parts or [])


@dataclass
class Reading:
    """A query as PostgreSQL reads it, in its text form (``'winter' <->
    'garden' & !'snow'``), and each of its ``alternatives`` read alone."""

    query: str
    alternatives: list[str]

    def agrees(self) -> bool:
        """Whether PostgreSQL reads the choices as ``alternatives_of`` split
        them: no choice where there is one alternative; with several, the
        query is exactly them joined by OR, and none offers a choice of its
        own. Then each alternative's phrases are required of its matches."""
        if not self.alternatives:
            return not offers_a_choice(self.query)
        if any(offers_a_choice(alternative) for alternative in self.alternatives):
            return False
        # A choice of common words only ("or the") is no choice: PostgreSQL
        # leaves it out.
        return self.query == " | ".join(filter(None, self.alternatives))

    def lookups(
        self, choices: list[list[str]], alternatives: list[str]
    ) -> list[tuple[list[str], str]]:
        """How the indexes find the matches of each choice PostgreSQL keeps
        (``choices``, the phrases of each of ``alternatives``): by its
        phrases' pairs or, where it has none, by its own words (its
        alternative, as typed). None where PostgreSQL reads the choices
        otherwise, or where one of them only leaves words out: then the
        query as a whole is all there is to look up."""
        if not self.agrees():
            return []
        if not self.alternatives:  # one alternative, not read apart
            return list(zip(choices, alternatives, strict=True))
        kept = [
            (phrases, alternative, read)
            for phrases, alternative, read in zip(
                choices, alternatives, self.alternatives, strict=True
            )
            if read
        ]
        if not all(phrases or looks_for_a_word(read) for phrases, _, read in kept):
            return []
        return [(phrases, alternative) for phrases, alternative, _ in kept]
