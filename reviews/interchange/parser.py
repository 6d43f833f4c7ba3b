"""Reading a review file's text: the front matter checked table by table
against the schema in :mod:`.format`, every error pointing at its line."""

import re
import tomllib
from datetime import date, datetime, time

from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.data.text import many_lines, one_line
from reviews.status import APPROVED_STATUSES

from .format import (
    CORRECTION_KINDS,
    FENCE,
    ROLES,
    STATUSES,
    CastEntry,
    CorrectionEntry,
    DramaEntry,
    FrontMatterError,
    HeroEntry,
    Locator,
    QuoteEntry,
    ReviewDocument,
    keys_of,
)

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
    document = _Reader(locator).document(data, many_lines(body))
    document.body_line = first_line + front.count("\n") + 2
    return document


class _Table:
    """One table of the parsed TOML being read: its values, how messages
    name it (``where``, e.g. " in cast entry 2") and where it sits, so every
    error points at the line of whatever is wrong."""

    def __init__(self, locator: Locator, values: dict, where="", table="", index=0):
        self.locator, self.values, self.where = locator, values, where
        self.table, self.index = table, index

    def fail(self, message: str, key: str | None = None):
        raise FrontMatterError(message, self.locator.line(self.table, self.index, key))

    def check_keys(self, entry: type) -> None:
        allowed = keys_of(entry)
        for key in self.values:
            if key not in allowed:
                self.fail(
                    f"unknown key “{key}”{self.where}; "
                    f"expected one of: {', '.join(sorted(allowed))}",
                    key,
                )

    def given(self, key: str, *, required=False, where=None):
        """The key's value, or None; a required key must be there."""
        value = self.values.get(key)
        if value is None and required:
            self.fail(f"“{key}”{self.where if where is None else where} is required")
        return value

    def wrong(self, key: str, expected: str, value):
        self.fail(f"“{key}”{self.where} must be {expected}, not {_kind(value)}", key)

    def text(self, key, *, required=False, default=None, where=None):
        """A string, kept as written but for control characters, settled as
        the site settles any text (an escaped ``\\u000b`` is a line break);
        a required one must not be blank."""
        value = self.given(key, required=required, where=where)
        if value is None:
            return default
        if not isinstance(value, str):
            self.wrong(key, "a string", value)
        value = many_lines(value)
        if required and not value.strip():
            self.fail(f"“{key}”{self.where} must not be empty", key)
        return value

    def name(self, key, *, sluggable=False, required=False) -> str | None:
        """A string naming a row, on one line: surrounding spaces are not part of the name.
        A ``sluggable`` name gives the row its address, so it needs a letter
        or a digit."""
        value = self.text(key, required=required)
        if value is None:
            return None
        if sluggable and not slug_for(value):
            self.fail(f"“{key}”{self.where} needs a letter or a digit to make an address from", key)
        return one_line(value).strip()

    def names(self, key, *, sluggable=False) -> list[str] | None:
        """A list of names: stripped, blanks dropped, repeats dropped."""
        value = self.given(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.wrong(key, "a list of strings", value)
        names = list(dict.fromkeys(name for v in value if (name := one_line(v).strip())))
        for name in names:
            if sluggable and not slug_for(name):
                self.fail(f"“{name}” in “{key}” needs a letter or a digit", key)
        return names

    def integer(self, key, *, required=False, minimum=1) -> int | None:
        value = self.given(key, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(key, "a whole number", value)
        if value < minimum:
            self.fail(f"“{key}”{self.where} must be at least {minimum}", key)
        return value

    def flag(self, key, *, default=True) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            self.wrong(key, "true or false", value)
        return value

    def moment(self, key, *, required=False) -> datetime | None:
        value = self.given(key, required=required)
        if value is None or isinstance(value, datetime) and value.tzinfo is not None:
            return value
        if isinstance(value, datetime):
            example = f"{value:%Y-%m-%dT%H:%M:%S}+04:00"
            self.fail(f"“{key}”{self.where} needs a UTC offset, e.g. {example}", key)
        if isinstance(value, date):
            example = f"{value}T09:00:00+04:00"
            self.fail(f"“{key}”{self.where} needs a time and a UTC offset, e.g. {example}", key)
        self.wrong(
            key, "a TOML date-time such as 2024-07-04T09:00:00+04:00 (without quotes)", value
        )

    def day(self, key) -> date | None:
        value = self.given(key)
        if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
            self.wrong(key, "a date such as 2020-12-16 (without quotes or a time)", value)
        return value


class _Reader:
    """Checks the parsed TOML and turns it into a ReviewDocument."""

    def __init__(self, locator: Locator):
        self.locator = locator

    def entries(self, data: dict, key: str, what: str) -> list[_Table]:
        """The tables under ``key``, one ([key]) or several ([[key]])."""
        value = data.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            _Table(self.locator, data).fail(
                f"“{key}” must be a table ([{key}]) or tables ([[{key}]])", key
            )
        return [
            _Table(self.locator, values, what(index), key, index)
            for index, values in enumerate(value)
        ]

    def document(self, data: dict, body: str) -> ReviewDocument:
        top = _Table(self.locator, data)
        top.check_keys(ReviewDocument)
        title = top.text("title", required=True)
        if not data.get("slug") and not slug_for(title):
            top.fail(
                "“title” needs a letter or a digit to make an address from, or give a “slug”",
                "title",
            )
        author = top.name("author", required=True, sluggable=True)
        status = top.text("status", default="draft")
        if status not in STATUSES:
            top.fail(f"unknown status “{status}”; use one of: {', '.join(STATUSES)}", "status")
        document = ReviewDocument(
            title=title,
            author=author,
            body=body,
            slug=top.text("slug") or None,
            standfirst=top.text("standfirst", default=""),
            column=top.name("column", sluggable=True) or None,
            author_title=top.text("author_title"),
            status=status,
            published=top.moment("published"),
            updated=top.moment("updated"),
            tags=top.names("tags", sluggable=True) or [],
            featured=top.names("featured", sluggable=True) or [],
            locator=self.locator,
        )
        if status in APPROVED_STATUSES and document.published is None:
            top.fail(f"a {status} review needs a “published” date-time", "status")
        if document.updated and document.published and document.updated < document.published:
            top.fail("“updated” cannot be before “published”", "updated")
        several = "drama" in data and isinstance(data["drama"], list)
        document.dramas = [
            self.drama(t)
            for t in self.entries(
                data, "drama", lambda i: f" in drama {i + 1}" if several and i else " in [drama]"
            )
        ]
        titles = [drama.title for drama in document.dramas]
        if len(set(titles)) < len(titles):
            self.entries(data, "drama", str)[-1].fail(
                "two drama tables have the same title", "title"
            )
        for t in self.entries(data, "cast", lambda i: f" in cast entry {i + 1}"):
            entry = self.cast(t, titles)
            if any((e.drama, e.character) == (entry.drama, entry.character) for e in document.cast):
                t.fail(
                    f"cast entry {t.index + 1} repeats the character “{entry.character}”",
                    "character",
                )
            document.cast.append(entry)
        document.quotes = [
            self.quote(t, document.cast)
            for t in self.entries(data, "quotes", lambda i: f" in quote {i + 1}")
        ]
        document.corrections = [
            self.correction(t)
            for t in self.entries(data, "corrections", lambda i: f" in correction {i + 1}")
        ]
        if "hero" in data:
            if not isinstance(data["hero"], dict):
                top.fail("“hero” must be a table: [hero]", "hero")
            document.hero = self.hero(_Table(self.locator, data["hero"], " in [hero]", "hero"))
        return document

    def drama(self, t: _Table) -> DramaEntry:
        t.check_keys(DramaEntry)
        year = t.integer("year", required=True, minimum=1950)
        if year > 2100:
            t.fail(f"“year”{t.where} must be a year between 1950 and 2100", "year")
        first_aired = t.day("first_aired")
        if first_aired and first_aired.year != year:
            t.fail(f"“first_aired”{t.where} must fall in its “year”", "first_aired")
        return DramaEntry(
            title=t.name("title", required=True, sluggable="slug" not in t.values),
            year=year,
            original_title=t.text("original_title"),
            network=t.text("network"),
            episodes=t.integer("episodes"),
            slug=t.text("slug") or None,
            featured=t.flag("featured"),
            first_aired=first_aired,
        )

    def which_drama(self, t: _Table, titles: list[str]) -> str:
        if not titles:
            t.fail(f"[[{t.table}]] needs a [drama] table saying which drama it belongs to")
        drama = t.name("drama")
        if drama is None:
            if len(titles) > 1:
                t.fail(f"“drama”{t.where} is required when the file has several dramas")
            return titles[0]
        if drama not in titles:
            t.fail(f"“drama”{t.where} names “{drama}”, which is not a [drama] here", "drama")
        return drama

    def cast(self, t: _Table, titles: list[str]) -> CastEntry:
        t.check_keys(CastEntry)
        role = t.text("role")
        if role is not None and role not in ROLES:
            t.fail(f"“role”{t.where} must be “lead” or “supporting”", "role")
        return CastEntry(
            character=t.name("character", required=True, sluggable=True),
            person=t.name("person", sluggable=True) or None,
            aliases=t.names("aliases"),
            role=role,
            drama=self.which_drama(t, titles),
            featured=t.flag("featured"),
        )

    def quote(self, t: _Table, cast: list[CastEntry]) -> QuoteEntry:
        t.check_keys(QuoteEntry)
        character = t.name("character", required=True)
        drama = t.name("drama")
        dramas = [e.drama for e in cast if e.character == character]
        number = t.index + 1
        if drama is not None and drama not in dramas or not dramas:
            t.fail(
                f"quote {number}: “{character}” is not a character in [[cast]]"
                + (f" for “{drama}”" if drama is not None else ""),
                "character",
            )
        if drama is None and len(dramas) > 1:
            t.fail(
                f"quote {number}: “{character}” is a character in several dramas; "
                "say which with “drama”",
                "character",
            )
        return QuoteEntry(
            character=character,
            text=t.text("text", required=True),
            episode=t.integer("episode"),
            context=t.text("context"),
            drama=drama,
        )

    def correction(self, t: _Table) -> CorrectionEntry:
        t.check_keys(CorrectionEntry)
        kind = t.text("kind", default="correction")
        if kind not in CORRECTION_KINDS:
            t.fail(f"“kind”{t.where} must be one of: {', '.join(CORRECTION_KINDS)}", "kind")
        return CorrectionEntry(
            kind=kind,
            date=t.moment("date", required=True),
            text=t.text("text", required=True),
        )

    def hero(self, t: _Table) -> HeroEntry:
        t.check_keys(HeroEntry)
        focus = t.values.get("focus", [50, 50])
        if not (
            isinstance(focus, list)
            and len(focus) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in focus)
            and all(0 <= v <= 100 for v in focus)
        ):
            t.fail(
                "“focus” in [hero] is the focal point, percent across and down, "
                "e.g. focus = [30, 60]",
                "focus",
            )
        return HeroEntry(
            file=t.text("file", required=True),
            alt=t.text("alt", required=True, where=" in [hero] (describe the image)"),
            caption=t.text("caption", default=""),
            credit=t.text("credit", default=""),
            focus=(focus[0], focus[1]),
        )


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
