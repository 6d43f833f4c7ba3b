"""Pull quotes placed inside a review's body.

A writer places one of the review's pull quotes with a paragraph of its own
in the Markdown body::

    [pull quote: “I came without a reason.”]

Straight or curly double quotes; the text is one of the review's pull
quotes, matched ignoring case, spacing and the style of quote marks.
:func:`place_pull_quotes` replaces each such paragraph of the rendered
body with that quote, attributed as everywhere on the page. It is a pure
function of the rendered (sanitized) HTML and the quotes, so it can run when
the page is drawn or when the body is stored. A marker that matches none of
the quotes is dropped, never shown to readers as text (the review form
refuses one: :func:`unmatched_markers`); a quote that no marker places is
handed back, for the page to show after the body as before.
"""

import unicodedata
from typing import NamedTuple

from django.utils.html import format_html

from .markdown import PARAGRAPH, pull_quote_marker, render_markdown

QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


class PlacedQuotes(NamedTuple):
    html: str
    unplaced: list  # the quotes no marker placed, in their given order


def normalize(text: str) -> str:
    """Text as markers are compared: composed, case-folded, one space
    between words, one style of quote mark, no quote marks around it."""
    text = unicodedata.normalize("NFC", text).translate(QUOTE_MARKS).casefold()
    return " ".join(text.split()).strip("\"' ")


def find_markers(body_html: str) -> list[str]:
    """The texts of the markers in rendered body HTML, in order."""
    found = (pull_quote_marker(m["inner"]) for m in PARAGRAPH.finditer(body_html))
    return [text for text in found if text is not None]


def quote_html(quote) -> str:
    """A pull quote as the page shows it: the words, then who says them
    (and who plays them) and in which episode."""
    character = quote.character
    attribution = character.name
    if character.played_by_id:
        attribution += f" ({character.played_by.name})"
    if quote.episode:
        attribution += f", episode {quote.episode}"
    return format_html(
        '<figure class="pull-quote pull-quote--placed">'
        "<blockquote><p>{}</p></blockquote><figcaption>{}</figcaption></figure>\n",
        quote.text,
        attribution,
    )


def place_pull_quotes(body_html: str, quotes) -> PlacedQuotes:
    """``body_html`` with each marker paragraph replaced by the quote it
    names (each quote at most once), and the quotes left unplaced."""
    by_text = {}
    for quote in quotes:
        by_text.setdefault(normalize(quote.text), quote)
    placed = set()

    def replace(match):
        text = pull_quote_marker(match["inner"])
        if text is None:
            return match.group(0)
        quote = by_text.get(normalize(text))
        if quote is None or quote.pk in placed:
            return ""  # never shown as raw text
        placed.add(quote.pk)
        return quote_html(quote)

    result = PARAGRAPH.sub(replace, body_html)
    return PlacedQuotes(result, [q for q in quotes if q.pk not in placed])


def unmatched_markers(body: str, quotes) -> list[str]:
    """The markers in a Markdown body whose text is none of ``quotes``'."""
    texts = {normalize(quote.text) for quote in quotes}
    return [text for text in find_markers(render_markdown(body)) if normalize(text) not in texts]
