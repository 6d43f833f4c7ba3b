"""The review file format: TOML front matter between ``+++`` lines, then Markdown.

This module only reads and writes text; :mod:`reviews.interchange` moves
documents in and out of the database.

The first line of a file is ``+++``; the next line that is ``+++`` closes the
front matter, and the body is everything after that line's newline, kept
exactly (a file's CRLF line endings are read as LF). Names that identify a
row (author, column, drama title, person, character, tags, aliases) are
stripped of surrounding spaces; every other text is kept as written.

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
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from kdrama_rewind.slugs import slug_for
from reviews.status import APPROVED_STATUSES, STATUS_VALUES

FENCE = "+++"
STATUSES = STATUS_VALUES
ROLES = ("lead", "supporting")


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


@dataclass
class DramaEntry:
    title: str
    year: int
    original_title: str | None = None
    network: str | None = None
    episodes: int | None = None
    slug: str | None = None
    featured: bool = True
    first_aired: date | None = None


@dataclass
class CastEntry:
    character: str
    person: str | None = None
    aliases: list[str] | None = None
    role: str | None = None
    drama: str | None = None
    featured: bool = True


@dataclass
class QuoteEntry:
    """``drama`` is given only when the character's name alone is ambiguous
    or the file has several dramas; otherwise the cast entry tells."""

    character: str
    text: str
    episode: int | None = None
    context: str | None = None
    drama: str | None = None


@dataclass
class CorrectionEntry:
    kind: str
    date: datetime
    text: str


@dataclass
class HeroEntry:
    file: str
    alt: str
    caption: str = ""
    credit: str = ""
    focus: tuple[int, int] = (50, 50)  # the focal point, percent across and down


@dataclass
class ReviewDocument:
    title: str
    author: str
    body: str
    slug: str | None = None
    standfirst: str = ""
    column: str | None = None
    author_title: str | None = None
    status: str = "draft"
    published: datetime | None = None
    updated: datetime | None = None
    tags: list[str] = field(default_factory=list)
    dramas: list[DramaEntry] = field(default_factory=list)
    cast: list[CastEntry] = field(default_factory=list)
    featured: list[str] = field(default_factory=list)
    quotes: list[QuoteEntry] = field(default_factory=list)
    corrections: list[CorrectionEntry] = field(default_factory=list)
    hero: HeroEntry | None = None
    locator: Locator = field(default_factory=Locator, compare=False, repr=False)
    body_line: int | None = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- reading

TOP_KEYS = {
    "title", "slug", "standfirst", "column", "author", "author_title", "status",
    "published", "updated", "tags", "drama", "cast", "featured", "quotes", "corrections",
    "hero",
}  # fmt: skip
DRAMA_KEYS = {
    "title", "original_title", "year", "first_aired", "network", "episodes", "slug", "featured",
}  # fmt: skip
CORRECTION_KEYS = {"kind", "date", "text"}
CORRECTION_KINDS = ("correction", "clarification", "update")
CAST_KEYS = {"person", "character", "aliases", "role", "drama", "featured"}
QUOTE_KEYS = {"character", "text", "episode", "context", "drama"}
HERO_KEYS = {"file", "alt", "caption", "credit", "focus"}
TOML_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def split(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number of the first front-matter line)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise FrontMatterError("the file must begin with a +++ line that opens the front matter", 1)
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), 2
    raise FrontMatterError("the front matter opened here is never closed with a +++ line", 1)


def parse(text: str) -> ReviewDocument:
    front, body, first_line = split(text)
    try:
        # The newline lets TOML report an error on the last line by its number.
        data = tomllib.loads(front + "\n")
    except tomllib.TOMLDecodeError as error:
        message, line = str(error), None
        if match := TOML_LINE.search(message):
            line = int(match.group(1)) + first_line - 1
            message = TOML_LINE.sub(f" (column {match.group(2)})", message)
        elif "(at end of document)" in message:
            line = first_line + front.count("\n")
            message = message.replace("(at end of document)", "at the end of the front matter")
        raise FrontMatterError(f"the front matter is not valid TOML: {message}", line) from None
    locator = Locator(front, first_line)
    document = _Reader(locator).document(data, body)
    document.body_line = first_line + front.count("\n") + 2
    return document


class _Reader:
    """Checks the parsed TOML and turns it into a ReviewDocument, pointing at
    the line of whatever is wrong."""

    def __init__(self, locator: Locator):
        self.locator = locator

    def fail(self, message: str, table: str = "", index: int = 0, key: str | None = None):
        raise FrontMatterError(message, self.locator.line(table, index, key))

    def check_keys(self, values: dict, allowed: set[str], where: str, table="", index=0):
        for key in values:
            if key not in allowed:
                self.fail(
                    f"unknown key “{key}”{where}; expected one of: {', '.join(sorted(allowed))}",
                    table,
                    index,
                    key,
                )

    def text(self, values, key, *, where="", required=False, default=None, at=("", 0)):
        """A string, kept as written; a required one must not be blank."""
        value = values.get(key)
        if value is None:
            if required:
                self.fail(f"“{key}”{where} is required", *at)
            return default
        if not isinstance(value, str):
            self.fail(f"“{key}”{where} must be a string, not {_kind(value)}", *at, key)
        if required and not value.strip():
            self.fail(f"“{key}”{where} must not be empty", *at, key)
        return value

    def name(self, values, key, *, sluggable=False, **options):
        """A string naming a row: surrounding spaces are not part of the name.
        A ``sluggable`` name gives the row its address, so it needs a letter
        or a digit."""
        value = self.text(values, key, **options)
        if value is None:
            return None
        if sluggable and not slug_for(value):
            where, at = options.get("where", ""), options.get("at", ("", 0))
            self.fail(f"“{key}”{where} needs a letter or a digit to make an address from", *at, key)
        return value.strip()

    def integer(self, values, key, *, where="", required=False, minimum=1, at=("", 0)):
        value = values.get(key)
        if value is None:
            if required:
                self.fail(f"“{key}”{where} is required", *at)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"“{key}”{where} must be a whole number, not {_kind(value)}", *at, key)
        if value < minimum:
            self.fail(f"“{key}”{where} must be at least {minimum}", *at, key)
        return value

    def flag(self, values, key, *, where="", default=True, at=("", 0)) -> bool:
        value = values.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"“{key}”{where} must be true or false, not {_kind(value)}", *at, key)
        return value

    def moment(self, values, key, *, where="", required=False, at=("", 0)):
        value = values.get(key)
        if value is None:
            if required:
                self.fail(f"“{key}”{where} is required", *at)
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.fail(
                    f"“{key}”{where} needs a UTC offset, e.g. {value:%Y-%m-%dT%H:%M:%S}+04:00",
                    *at,
                    key,
                )
            return value
        if isinstance(value, date):
            self.fail(
                f"“{key}”{where} needs a time and a UTC offset, e.g. {value}T09:00:00+04:00",
                *at,
                key,
            )
        self.fail(
            f"“{key}”{where} must be a TOML date-time such as 2024-07-04T09:00:00+04:00 "
            f"(without quotes), not {_kind(value)}",
            *at,
            key,
        )

    def day(self, values, key, *, where="", at=("", 0)) -> date | None:
        value = values.get(key)
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(
                f"“{key}”{where} must be a date such as 2020-12-16 (without quotes or a time), "
                f"not {_kind(value)}",
                *at,
                key,
            )
        return value

    def names(self, values, key, *, where="", at=("", 0), sluggable=False) -> list[str] | None:
        """A list of names: stripped, blanks dropped, repeats dropped."""
        value = values.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"“{key}”{where} must be a list of strings, not {_kind(value)}", *at, key)
        names = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        for name in names:
            if sluggable and not slug_for(name):
                self.fail(f"“{name}” in “{key}” needs a letter or a digit", *at, key)
        return names

    def tables(self, data, key) -> list[dict]:
        value = data.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"“{key}” must be a table ([{key}]) or tables ([[{key}]])", key=key)
        return value

    def document(self, data: dict, body: str) -> ReviewDocument:
        self.check_keys(data, TOP_KEYS, "")
        title = self.text(data, "title", required=True)
        if not data.get("slug") and not slug_for(title):
            self.fail(
                "“title” needs a letter or a digit to make an address from, or give a “slug”",
                key="title",
            )
        author = self.name(data, "author", required=True, sluggable=True)
        status = self.text(data, "status", default="draft")
        if status not in STATUSES:
            self.fail(f"unknown status “{status}”; use one of: {', '.join(STATUSES)}", key="status")
        document = ReviewDocument(
            title=title,
            author=author,
            body=body,
            slug=self.text(data, "slug") or None,
            standfirst=self.text(data, "standfirst", default=""),
            column=self.name(data, "column", sluggable=True) or None,
            author_title=self.text(data, "author_title"),
            status=status,
            published=self.moment(data, "published"),
            updated=self.moment(data, "updated"),
            tags=self.names(data, "tags") or [],
            featured=self.names(data, "featured", sluggable=True) or [],
            locator=self.locator,
        )
        if status in APPROVED_STATUSES and document.published is None:
            self.fail(f"a {status} review needs a “published” date-time", key="status")
        if document.updated and document.published and document.updated < document.published:
            self.fail("“updated” cannot be before “published”", key="updated")
        document.dramas = [self.drama(t, i) for i, t in enumerate(self.tables(data, "drama"))]
        titles = [drama.title for drama in document.dramas]
        if len(set(titles)) < len(titles):
            self.fail("two drama tables have the same title", "drama", len(titles) - 1, "title")
        for index, values in enumerate(self.tables(data, "cast")):
            entry = self.cast(values, index, titles)
            if any((e.drama, e.character) == (entry.drama, entry.character) for e in document.cast):
                self.fail(
                    f"cast entry {index + 1} repeats the character “{entry.character}”",
                    "cast",
                    index,
                    "character",
                )
            document.cast.append(entry)
        document.quotes = [
            self.quote(values, index, document.cast)
            for index, values in enumerate(self.tables(data, "quotes"))
        ]
        document.corrections = [
            self.correction(values, index)
            for index, values in enumerate(self.tables(data, "corrections"))
        ]
        if "hero" in data:
            document.hero = self.hero(data["hero"])
        return document

    def correction(self, values, index) -> CorrectionEntry:
        at = ("corrections", index)
        where = f" in correction {index + 1}"
        self.check_keys(values, CORRECTION_KEYS, where, *at)
        kind = self.text(values, "kind", where=where, default="correction", at=at)
        if kind not in CORRECTION_KINDS:
            self.fail(f"“kind”{where} must be one of: {', '.join(CORRECTION_KINDS)}", *at, "kind")
        return CorrectionEntry(
            kind=kind,
            date=self.moment(values, "date", where=where, required=True, at=at),
            text=self.text(values, "text", where=where, required=True, at=at),
        )

    def drama(self, values, index) -> DramaEntry:
        at = ("drama", index)
        where = f" in drama {index + 1}" if index else " in [drama]"
        self.check_keys(values, DRAMA_KEYS, where, *at)
        year = self.integer(values, "year", where=where, required=True, minimum=1950, at=at)
        if year > 2100:
            self.fail(f"“year”{where} must be a year between 1950 and 2100", *at, "year")
        first_aired = self.day(values, "first_aired", where=where, at=at)
        if first_aired and first_aired.year != year:
            self.fail(f"“first_aired”{where} must fall in its “year”", *at, "first_aired")
        return DramaEntry(
            title=self.name(
                values, "title", where=where, required=True, at=at, sluggable="slug" not in values
            ),
            year=year,
            original_title=self.text(values, "original_title", where=where, at=at),
            network=self.text(values, "network", where=where, at=at),
            episodes=self.integer(values, "episodes", where=where, at=at),
            slug=self.text(values, "slug", where=where, at=at) or None,
            featured=self.flag(values, "featured", where=where, at=at),
            first_aired=first_aired,
        )

    def which_drama(self, values, titles, where, at) -> str:
        if not titles:
            self.fail(f"[[{at[0]}]] needs a [drama] table saying which drama it belongs to", *at)
        drama = self.name(values, "drama", where=where, at=at)
        if drama is None:
            if len(titles) > 1:
                self.fail(f"“drama”{where} is required when the file has several dramas", *at)
            return titles[0]
        if drama not in titles:
            self.fail(f"“drama”{where} names “{drama}”, which is not a [drama] here", *at, "drama")
        return drama

    def cast(self, values, index, titles) -> CastEntry:
        at = ("cast", index)
        where = f" in cast entry {index + 1}"
        self.check_keys(values, CAST_KEYS, where, *at)
        role = self.text(values, "role", where=where, at=at)
        if role is not None and role not in ROLES:
            self.fail(f"“role”{where} must be “lead” or “supporting”", *at, "role")
        return CastEntry(
            character=self.name(values, "character", where=where, required=True, at=at),
            person=self.name(values, "person", where=where, at=at, sluggable=True) or None,
            aliases=self.names(values, "aliases", where=where, at=at),
            role=role,
            drama=self.which_drama(values, titles, where, at),
            featured=self.flag(values, "featured", where=where, at=at),
        )

    def quote(self, values, index, cast: list[CastEntry]) -> QuoteEntry:
        at = ("quotes", index)
        where = f" in quote {index + 1}"
        self.check_keys(values, QUOTE_KEYS, where, *at)
        character = self.name(values, "character", where=where, required=True, at=at)
        drama = self.name(values, "drama", where=where, at=at)
        dramas = [e.drama for e in cast if e.character == character]
        if drama is not None and drama not in dramas or not dramas:
            self.fail(
                f"quote {index + 1}: “{character}” is not a character in [[cast]]"
                + (f" for “{drama}”" if drama is not None else ""),
                *at,
                "character",
            )
        if drama is None and len(dramas) > 1:
            self.fail(
                f"quote {index + 1}: “{character}” is a character in several dramas; "
                "say which with “drama”",
                *at,
                "character",
            )
        return QuoteEntry(
            character=character,
            text=self.text(values, "text", where=where, required=True, at=at),
            episode=self.integer(values, "episode", where=where, at=at),
            context=self.text(values, "context", where=where, at=at),
            drama=drama,
        )

    def hero(self, values) -> HeroEntry:
        at = ("hero", 0)
        if not isinstance(values, dict):
            self.fail("“hero” must be a table: [hero]", key="hero")
        self.check_keys(values, HERO_KEYS, " in [hero]", *at)
        return HeroEntry(
            file=self.text(values, "file", where=" in [hero]", required=True, at=at),
            alt=self.text(
                values, "alt", where=" in [hero] (describe the image)", required=True, at=at
            ),
            caption=self.text(values, "caption", where=" in [hero]", default="", at=at),
            credit=self.text(values, "credit", where=" in [hero]", default="", at=at),
            focus=self.focus(values, at=at),
        )

    def focus(self, values, *, at) -> tuple[int, int]:
        value = values.get("focus", [50, 50])
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and all(0 <= v <= 100 for v in value)
        ):
            self.fail(
                "“focus” in [hero] is the focal point, percent across and down, "
                "e.g. focus = [30, 60]",
                *at,
                "focus",
            )
        return (value[0], value[1])


def _kind(value) -> str:
    if isinstance(value, str):
        return f"the text “{value}”"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time of day"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


# ---------------------------------------------------------------- writing

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(value: str) -> str:
    """A TOML basic string: escapes what TOML requires, keeps the rest
    (Hangul, typographic quotes) literally."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _string(value)


def _pairs(pairs) -> list[str]:
    return [f"{key} = {_value(value)}" for key, value in pairs if value not in (None, "", [])]


def dump(document: ReviewDocument) -> str:
    """Serialize deterministically: fixed key order, empty values and
    defaults left out, the body after the closing ``+++`` line as it is."""
    d = document
    several = len(d.dramas) > 1
    lines = _pairs(
        [
            ("title", d.title),
            ("slug", d.slug),
            ("standfirst", d.standfirst),
            ("column", d.column),
            ("author", d.author),
            ("author_title", d.author_title),
            ("status", d.status),
            ("published", d.published),
            ("updated", d.updated),
            ("tags", d.tags),
            ("featured", d.featured),
        ]
    )
    for drama in d.dramas:
        lines += ["", "[[drama]]" if several else "[drama]"]
        lines += _pairs(
            [
                ("title", drama.title),
                ("slug", drama.slug),
                ("original_title", drama.original_title),
                ("year", drama.year),
                ("first_aired", drama.first_aired),
                ("network", drama.network),
                ("episodes", drama.episodes),
                ("featured", None if drama.featured else False),
            ]
        )
    for entry in d.cast:
        lines += ["", "[[cast]]"]
        lines += _pairs(
            [
                ("drama", entry.drama if several else None),
                ("person", entry.person),
                ("character", entry.character),
                ("aliases", entry.aliases),
                ("role", entry.role),
                ("featured", None if entry.featured else False),
            ]
        )
    for quote in d.quotes:
        lines += ["", "[[quotes]]"]
        lines += _pairs(
            [
                ("drama", quote.drama if several else None),
                ("character", quote.character),
                ("text", quote.text),
                ("episode", quote.episode),
                ("context", quote.context),
            ]
        )
    for correction in d.corrections:
        lines += ["", "[[corrections]]"]
        lines += _pairs(
            [("kind", correction.kind), ("date", correction.date), ("text", correction.text)]
        )
    if d.hero:
        lines += ["", "[hero]"]
        lines += _pairs(
            [
                ("file", d.hero.file),
                ("alt", d.hero.alt),
                ("caption", d.hero.caption),
                ("credit", d.hero.credit),
                ("focus", list(d.hero.focus) if d.hero.focus != (50, 50) else None),
            ]
        )
    return f"{FENCE}\n" + "\n".join(lines) + f"\n{FENCE}\n" + d.body
