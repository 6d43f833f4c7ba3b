"""The review file format: TOML front matter between ``+++`` lines, then Markdown.

This module only reads and writes text; :mod:`reviews.interchange` moves
documents in and out of the database. The body is everything after the
line that closes the front matter, kept exactly.

Beyond the keys in the design, a file may carry (and an export writes, so
nothing is lost on the way round): ``[[drama]]`` for a review of several
dramas (each ``[[cast]]`` entry then names its ``drama``), ``featured`` for
people the review features who are not in its cast, ``featured = false`` on a
cast entry whose actor is not featured, ``role = "lead"`` on a cast entry,
and ``context`` on a quote.
"""

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime

FENCE = "+++"
STATUSES = ("draft", "review", "scheduled", "published")
LIVE_STATUSES = ("scheduled", "published")
ROLES = ("lead", "supporting")


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class DramaEntry:
    title: str
    year: int
    original_title: str | None = None
    network: str | None = None
    episodes: int | None = None


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
    character: str
    text: str
    episode: int | None = None
    context: str | None = None


@dataclass
class HeroEntry:
    file: str
    alt: str
    caption: str = ""
    credit: str = ""


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
    hero: HeroEntry | None = None


# ---------------------------------------------------------------- reading

TOP_KEYS = {
    "title", "slug", "standfirst", "column", "author", "author_title", "status",
    "published", "updated", "tags", "drama", "cast", "featured", "quotes", "hero",
}  # fmt: skip
DRAMA_KEYS = {"title", "original_title", "year", "network", "episodes"}
CAST_KEYS = {"person", "character", "aliases", "role", "drama", "featured"}
QUOTE_KEYS = {"character", "text", "episode", "context"}
HERO_KEYS = {"file", "alt", "caption", "credit"}
TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def split(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line of the first front-matter line)."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise FrontMatterError("the file must begin with a +++ line that opens the front matter", 1)
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), 2
    raise FrontMatterError("the front matter opened here is never closed with a +++ line", 1)


def parse(text: str) -> ReviewDocument:
    front, body, offset = split(text)
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        message, line = str(error), None
        if match := TOML_LINE.search(message):
            line = int(match.group(1)) + offset - 1
            message = TOML_LINE.sub("", message).strip()
        elif "(at end of document)" in message:
            line = offset + front.count("\n")
            message = message.replace("(at end of document)", "at the end of the front matter")
        raise FrontMatterError(f"the front matter is not valid TOML: {message}", line) from None
    return _Reader(front, offset).document(data, body)


class _Reader:
    """Checks the parsed TOML and turns it into a ReviewDocument, pointing at
    the line of whatever is wrong."""

    def __init__(self, front: str, offset: int):
        self.lines = front.split("\n")
        self.offset = offset

    def line_of(self, key: str, occurrence: int = 0) -> int | None:
        pattern = re.compile(rf"^\s*(\[\[?\s*)?{re.escape(key)}\s*(=|\]\]?)")
        seen = 0
        for index, line in enumerate(self.lines):
            if pattern.match(line):
                if seen == occurrence:
                    return index + self.offset
                seen += 1
        return None

    def fail(self, message: str, key: str, occurrence: int = 0):
        raise FrontMatterError(message, self.line_of(key, occurrence))

    def check_keys(self, table: dict, allowed: set[str], where: str):
        for key in table:
            if key not in allowed:
                self.fail(
                    f"unknown key “{key}”{where}; expected one of: {', '.join(sorted(allowed))}",
                    key,
                )

    def text(self, table, key, *, where="", required=False, default=None):
        value = table.get(key)
        if value is None:
            if required:
                raise FrontMatterError(f"“{key}”{where} is required", self.line_of(key))
            return default
        if not isinstance(value, str):
            self.fail(f"“{key}”{where} must be a string, not {_kind(value)}", key)
        value = value.strip()
        if required and not value:
            self.fail(f"“{key}”{where} must not be empty", key)
        return value

    def integer(self, table, key, *, where="", required=False, minimum=1):
        value = table.get(key)
        if value is None:
            if required:
                raise FrontMatterError(f"“{key}”{where} is required", self.line_of(key))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"“{key}”{where} must be a whole number, not {_kind(value)}", key)
        if value < minimum:
            self.fail(f"“{key}”{where} must be at least {minimum}", key)
        return value

    def moment(self, table, key):
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.fail(f"“{key}” needs a UTC offset, e.g. {value:%Y-%m-%dT%H:%M:%S}+04:00", key)
            return value
        if isinstance(value, date):
            self.fail(f"“{key}” needs a time and a UTC offset, e.g. {value}T09:00:00+04:00", key)
        self.fail(
            f"“{key}” must be a TOML date-time such as 2024-07-04T09:00:00+04:00 "
            f"(without quotes), not {_kind(value)}",
            key,
        )

    def strings(self, table, key, *, where=""):
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"“{key}”{where} must be a list of strings", key)
        return [v.strip() for v in value if v.strip()]

    def tables(self, data, key):
        value = data.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"“{key}” must be a table ([{key}]) or tables ([[{key}]])", key)
        return value

    def document(self, data: dict, body: str) -> ReviewDocument:
        self.check_keys(data, TOP_KEYS, "")
        status = self.text(data, "status", default="draft")
        if status not in STATUSES:
            self.fail(f"unknown status “{status}”; use one of: {', '.join(STATUSES)}", "status")
        document = ReviewDocument(
            title=self.text(data, "title", required=True),
            author=self.text(data, "author", required=True),
            body=body,
            slug=self.text(data, "slug") or None,
            standfirst=self.text(data, "standfirst", default=""),
            column=self.text(data, "column") or None,
            author_title=self.text(data, "author_title"),
            status=status,
            published=self.moment(data, "published"),
            updated=self.moment(data, "updated"),
            tags=self.strings(data, "tags") or [],
            featured=self.strings(data, "featured") or [],
        )
        if status in LIVE_STATUSES and document.published is None:
            raise FrontMatterError(
                f"a {status} review needs a “published” date-time", self.line_of("status")
            )
        if document.updated and document.published and document.updated < document.published:
            self.fail("“updated” cannot be before “published”", "updated")
        document.dramas = [self.drama(t, i) for i, t in enumerate(self.tables(data, "drama"))]
        document.cast = [self.cast(t, i, document) for i, t in enumerate(self.tables(data, "cast"))]
        characters = {entry.character for entry in document.cast}
        for index, table in enumerate(self.tables(data, "quotes")):
            quote = self.quote(table, index)
            if quote.character not in characters:
                self.fail(
                    f"quote {index + 1}: “{quote.character}” is not a character in [[cast]]",
                    "quotes",
                    index,
                )
            document.quotes.append(quote)
        if "hero" in data:
            document.hero = self.hero(data["hero"])
        return document

    def drama(self, table, index) -> DramaEntry:
        where = f" in drama {index + 1}" if index else " in [drama]"
        self.check_keys(table, DRAMA_KEYS, where)
        year = self.integer(table, "year", where=where, required=True, minimum=1950)
        if year > 2100:
            self.fail(f"“year”{where} must be a year between 1950 and 2100", "year")
        return DramaEntry(
            title=self.text(table, "title", where=where, required=True),
            year=year,
            original_title=self.text(table, "original_title", where=where),
            network=self.text(table, "network", where=where),
            episodes=self.integer(table, "episodes", where=where),
        )

    def cast(self, table, index, document) -> CastEntry:
        where = f" in cast entry {index + 1}"
        self.check_keys(table, CAST_KEYS, where)
        if not document.dramas:
            self.fail("[[cast]] needs a [drama] table saying which drama it belongs to", "cast")
        drama = self.text(table, "drama", where=where)
        titles = [d.title for d in document.dramas]
        if drama is None and len(titles) > 1:
            self.fail(f"“drama”{where} is required when the review covers several dramas", "cast")
        if drama is not None and drama not in titles:
            self.fail(f"“drama”{where} names “{drama}”, which is not a [drama] here", "drama")
        role = self.text(table, "role", where=where)
        if role is not None and role not in ROLES:
            self.fail(f"“role”{where} must be “lead” or “supporting”", "role")
        featured = table.get("featured", True)
        if not isinstance(featured, bool):
            self.fail(f"“featured”{where} must be true or false", "featured")
        return CastEntry(
            character=self.text(table, "character", where=where, required=True),
            person=self.text(table, "person", where=where) or None,
            aliases=self.strings(table, "aliases", where=where),
            role=role,
            drama=drama or titles[0],
            featured=featured,
        )

    def quote(self, table, index) -> QuoteEntry:
        where = f" in quote {index + 1}"
        self.check_keys(table, QUOTE_KEYS, where)
        return QuoteEntry(
            character=self.text(table, "character", where=where, required=True),
            text=self.text(table, "text", where=where, required=True),
            episode=self.integer(table, "episode", where=where),
            context=self.text(table, "context", where=where),
        )

    def hero(self, table) -> HeroEntry:
        if not isinstance(table, dict):
            self.fail("“hero” must be a table: [hero]", "hero")
        self.check_keys(table, HERO_KEYS, " in [hero]")
        return HeroEntry(
            file=self.text(table, "file", where=" in [hero]", required=True),
            alt=self.text(table, "alt", where=" in [hero] (describe the image)", required=True),
            caption=self.text(table, "caption", default=""),
            credit=self.text(table, "credit", default=""),
        )


def _kind(value) -> str:
    if isinstance(value, str):
        return f"the text “{value}”"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


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
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _string(value)


def _pairs(pairs) -> list[str]:
    return [f"{key} = {_value(value)}" for key, value in pairs if value not in (None, "", [])]


def dump(document: ReviewDocument) -> str:
    """Serialize deterministically: fixed key order, nothing empty written."""
    d = document
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
    header = "[drama]" if len(d.dramas) == 1 else "[[drama]]"
    for drama in d.dramas:
        lines += ["", header]
        lines += _pairs(
            [
                ("title", drama.title),
                ("original_title", drama.original_title),
                ("year", drama.year),
                ("network", drama.network),
                ("episodes", drama.episodes),
            ]
        )
    for entry in d.cast:
        lines += ["", "[[cast]]"]
        lines += _pairs(
            [
                ("drama", entry.drama if len(d.dramas) > 1 else None),
                ("person", entry.person),
                ("character", entry.character),
                ("aliases", entry.aliases),
                ("role", entry.role),
            ]
        )
        if not entry.featured:
            lines.append("featured = false")
    for quote in d.quotes:
        lines += ["", "[[quotes]]"]
        lines += _pairs(
            [
                ("character", quote.character),
                ("text", quote.text),
                ("episode", quote.episode),
                ("context", quote.context),
            ]
        )
    if d.hero:
        lines += ["", "[hero]"]
        lines += _pairs(
            [
                ("file", d.hero.file),
                ("alt", d.hero.alt),
                ("caption", d.hero.caption),
                ("credit", d.hero.credit),
            ]
        )
    return f"{FENCE}\n" + "\n".join(lines) + f"\n{FENCE}\n" + d.body
