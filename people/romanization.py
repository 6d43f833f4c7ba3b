"""One key for the many ways a Korean name is romanized.

Readers type Shin Se-kyung as "shin sekyung", "Sin Se-gyeong" or
"Shin Se-kyeong". The key drops spaces, hyphens and case and folds the usual
variants together (sh/s, k/g, t/d, p/b, ch/j, r/l, eo/u, oo/u…), so all
of those become "sinsegyung". Hangul is kept as it is, without its spaces,
so "런온" and "런 온" agree.

A model that readers search by name stores every name it is known by, with
each name's key, in ``search_names``; search compares a query and its key
against that text (trigram similarity on PostgreSQL, in Python on SQLite).
"""

import re
import unicodedata
from collections.abc import Iterable

# Applied in order, to lower-case letters with spaces and hyphens taken out.
FOLDS = (
    ("sh", "s"),
    ("ch", "j"),
    ("k", "g"),
    ("p", "b"),
    ("t", "d"),
    ("r", "l"),
    ("yi", "i"),
    ("ee", "i"),
    ("eo", "u"),
    ("ou", "u"),
    ("oo", "u"),
    ("eu", "u"),
)
SILENT_H = re.compile(r"(?<=[aeiou])h(?![aeiouy])")  # Ahn/An, Oh/O, Tae-oh/Tae-o
DOUBLED = re.compile(r"([a-z])\1+")  # Hyunn, Yoonna
NOT_WORD = re.compile(r"[\W_]+")


def romanization_key(text: str) -> str:
    """The folded key of one name: "Shin Se-kyung" → "sinsegyung"."""
    key = NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())
    for variant, common in FOLDS:
        key = key.replace(variant, common)
    return DOUBLED.sub(r"\1", SILENT_H.sub("", key))


def search_names(names: Iterable[str]) -> str:
    """Every name, then every distinct key, one a line."""
    names = [" ".join(unicodedata.normalize("NFC", n).split()) for n in names]
    names = [n for n in names if n]
    keys = [k for k in map(romanization_key, names) if k]
    return "\n".join(dict.fromkeys([*names, *keys]))


class SearchNamesMixin:
    """For models with a ``search_names`` field and a ``known_names`` list:
    the field is refreshed from the names whenever the object is saved."""

    def save(self, *args, **kwargs):
        self.search_names = search_names(self.known_names)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_names"}
        super().save(*args, **kwargs)
