"""The review file format: TOML front matter between ``+++`` lines, then Markdown.

This module is the schema and the writer; :mod:`.parser` reads text into a
document, the importer and exporter move documents in and out of the
database. The dataclasses below are the schema:
a table may have the keys its dataclass has (named by a field's ``key`` when
it differs), and a file is written in their order.

The first line of a file is ``+++``; the next line that is ``+++`` closes the
front matter, and the body is everything after that line's newline, kept
exactly (a file's CRLF line endings are read as LF). Names that identify a
row (author, column, drama title, person, character, tags, aliases) are
read as one line, stripped of surrounding spaces; every other text is kept
as written. Control characters (written escaped, as TOML requires, or in
the body) are settled as the site settles any text
(``kdrama_rewind.data.text``): a vertical tab or form feed is a line break.

Beyond the keys in the design, a file may carry (and an export writes, so
nothing is lost on the way round):

- ``[[drama]]`` for a review of several dramas; each ``[[cast]]`` and
  ``[[quotes]]`` entry then names its ``drama``;
- ``slug`` in a drama table, when the drama's slug is not derived from its title;
- ``featured = false`` on a drama table for a drama the review only quotes;
- ``featured`` (a list of names) for people the review features who are not
  in its cast, and ``featured = false`` on a cast entry whose actor it does
  not feature;
- ``role = "lead"`` (or ``"supporting"``) on a cast entry, ``context`` on a quote;
- ``first_aired`` (a date) on a drama table;
- ``[[corrections]]`` with ``kind`` (correction, clarification or update), ``date``
  and ``text``: the notes to readers shown under the review.
"""

import re
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime

import tomli_w

from reviews.status import STATUS_VALUES

FENCE = "+++"
STATUSES = STATUS_VALUES
ROLES = ("lead", "supporting")
CORRECTION_KINDS = ("correction", "clarification", "update")


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class Locator:
    """Where keys sit in the front matter, to point errors at a line.

    Keys are found by table (``""`` for the top level, ``"cast"``...), the
    table's position among tables of that name, and the key's name. This is a
    line scan, not a parser: it only has to be right for files TOML accepts.
    """

    HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_-]+)\s*\]\]?\s*(#.*)?$")
    KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"\\]*"|'[^']*')\s*[.=]""")

    def __init__(self, front: str = "", first_line: int = 1):
        self.lines: dict[tuple[str, int, str | None], int] = {}
        table, index, counts = "", 0, {}
        open_string = None
        for number, line in enumerate(front.split("\n"), start=first_line):
            if open_string:
                if line.count(open_string) % 2:
                    open_string = None
                continue
            if header := self.HEADER.match(line):
                table = header.group(2)
                index = counts[table] = counts.get(table, -1) + 1
                self.lines.setdefault((table, index, None), number)
            elif key := self.KEY.match(line):
                self.lines.setdefault((table, index, key.group(1).strip("\"'")), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    open_string = quotes
                    break

    def line(self, table: str = "", index: int = 0, key: str | None = None) -> int | None:
        """The key's line, else its table's header line, else the line that
        names the table at the top level (an inline table); for a top-level
        key, a table header of that name will do. None when nothing fits."""
        return (
            self.lines.get((table, index, key))
            or self.lines.get((table, index, None))
            or (self.lines.get(("", 0, table)) if table else self.lines.get((key, 0, None)))
        )


def _not_in_file(**options):
    """A field the document carries that the front matter does not."""
    return field(compare=False, repr=False, metadata={"key": None}, **options)


@dataclass(kw_only=True)
class DramaEntry:
    title: str
    slug: str | None = None
    original_title: str | None = None
    year: int
    first_aired: date | None = None
    network: str | None = None
    episodes: int | None = None
    featured: bool = True


@dataclass(kw_only=True)
class CastEntry:
    drama: str | None = None
    person: str | None = None
    character: str
    aliases: list[str] | None = None
    role: str | None = None
    featured: bool = True


@dataclass(kw_only=True)
class QuoteEntry:
    """``drama`` is given only when the character's name alone is ambiguous
    or the file has several dramas; otherwise the cast entry tells."""

    drama: str | None = None
    character: str
    text: str
    episode: int | None = None
    context: str | None = None


@dataclass(kw_only=True)
class CorrectionEntry:
    kind: str
    date: datetime
    text: str


@dataclass(kw_only=True)
class HeroEntry:
    file: str
    alt: str
    caption: str = ""
    credit: str = ""
    focus: tuple[int, int] = (50, 50)  # the focal point, percent across and down


@dataclass(kw_only=True)
class ReviewDocument:
    title: str
    slug: str | None = None
    standfirst: str = ""
    column: str | None = None
    author: str
    author_title: str | None = None
    status: str = "draft"
    published: datetime | None = None
    updated: datetime | None = None
    tags: list[str] = field(default_factory=list)
    featured: list[str] = field(default_factory=list)
    dramas: list[DramaEntry] = field(default_factory=list, metadata={"key": "drama"})
    cast: list[CastEntry] = field(default_factory=list)
    quotes: list[QuoteEntry] = field(default_factory=list)
    corrections: list[CorrectionEntry] = field(default_factory=list)
    hero: HeroEntry | None = None
    body: str = field(metadata={"key": None})
    locator: Locator = _not_in_file(default_factory=Locator)
    body_line: int | None = _not_in_file(default=None)


def _key(entry_field) -> str | None:
    return entry_field.metadata.get("key", entry_field.name)


def keys_of(entry: type) -> set[str]:
    """The keys a table of ``entry`` may have."""
    return {key for f in fields(entry) if (key := _key(f))}


# ---------------------------------------------------------------- writing


def _table(entry, *, several: bool) -> dict:
    """An entry's keys in the schema's order, leaving out empty values, a
    flag or focal point at its default, and (in a file of one drama) the
    drama an entry belongs to."""
    table = {}
    for entry_field in fields(entry):
        key, value = _key(entry_field), getattr(entry, entry_field.name)
        if key is None or value in (None, "", []) or entry_field.name == "drama" and not several:
            continue
        if isinstance(entry_field.default, bool | tuple) and value == entry_field.default:
            continue
        if is_dataclass(value):
            value = _table(value, several=several)
        elif isinstance(value, list) and value and is_dataclass(value[0]):
            value = [_table(item, several=several) for item in value]
        table[key] = list(value) if isinstance(value, tuple) else value
    return table


def dump(document: ReviewDocument) -> str:
    """Serialize deterministically: the schema's key order, empty values and
    defaults left out, the body after the closing ``+++`` line as it is. One
    drama is written as a [drama] table, several as [[drama]] tables."""
    several = len(document.dramas) > 1
    data = _table(document, several=several)
    if "drama" in data and not several:
        data["drama"] = data["drama"][0]
    return f"{FENCE}\n" + tomli_w.dumps(data) + f"{FENCE}\n" + document.body
