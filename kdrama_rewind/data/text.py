"""The one rule for text people type, paste or import: what a field keeps.

A word processor pastes a soft line break as a vertical tab and a page break
as a form feed; other control characters arrive from copied terminal output
or a mis-saved file. None of them shows on a page, and the places text goes
refuse them: XML 1.0 (feeds, sitemaps), iCalendar, HTML validators, and
PostgreSQL for NUL. So they are settled where text comes in, before anything
is derived from it (a review's body HTML and search text are computed from
what is stored): a break becomes a line break in a text of many lines and a
space in a one-line field; the rest is left out.
"""

import re

from django.db import models

# Pasted breaks: vertical tab, form feed, and the file, group and record
# separators (which Python's ``splitlines`` also takes for line ends).
BREAKS = re.compile("[\x0b\x0c\x1c-\x1e]")
# Control characters a text never keeps (tab, line feed and carriage return
# it does), DEL, and the noncharacters U+FFFE and U+FFFF.
LEFT_OUT = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f\ufffe\uffff]")
LINE_ENDS = re.compile("\r\n|[\r\n]")


def many_lines(value: str) -> str:
    """Text of many lines (a body, a synopsis): pasted breaks as line breaks."""
    return LEFT_OUT.sub("", BREAKS.sub("\n", value))


def one_line(value: str) -> str:
    """A one-line field (a title, a name): any break as a space."""
    return LINE_ENDS.sub(" ", many_lines(value))


def only_spacing_differs(typed: str, stored: str) -> bool:
    """Whether a form's ``typed`` text is ``stored`` as a form posts it back:
    a form strips a text's ends (a file's final line break, say) and a
    browser ends a textarea's lines with CRLF."""
    return LINE_ENDS.sub("\n", typed).strip() == LINE_ENDS.sub("\n", stored).strip()


def plain(field: models.Field, value):
    """``value`` as ``field`` keeps it; anything but a string as it is."""
    if not isinstance(value, str):
        return value
    if isinstance(field, models.TextField):
        return many_lines(value)
    if isinstance(field, models.CharField):
        return one_line(value)
    return value


class PlainTextMixin:
    """For models people write: validation (``full_clean``, which the admin's
    forms, the editing service and the import all run) first settles every
    text field by the rule above, so what is validated is what is saved."""

    def keep_plain_text(self, exclude=()) -> None:
        for field in self._meta.concrete_fields:
            if field.name in exclude or not isinstance(field, models.CharField | models.TextField):
                continue
            value = getattr(self, field.attname)
            kept = plain(field, value)
            if kept != value:
                setattr(self, field.attname, kept)

    def clean_fields(self, exclude=None):
        self.keep_plain_text(exclude or ())
        super().clean_fields(exclude=exclude)
