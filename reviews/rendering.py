"""A review's body as readers see it, made once when it is saved.

:func:`render_body` is a pure function of the Markdown body and what it
links to: the review's dramas and featured people (the first mention of
each is linked, never inside a link, a heading or a pull quote) and its
pull quotes (each ``[pull quote: “…”]`` paragraph becomes the quote it
names, see ``reviews.pull_quotes``). It returns everything stored on the
review: the HTML, the pull quotes it placed, the plain-text word count
(reading time comes from it) and the search document (``public_text``:
no spoilers, markers read as their words).

The inputs are duck-typed so the same code serves the models, the
historical models of a data migration and the admin's live preview: a
drama has ``title``, ``original_title`` and ``slug``; a person ``name``,
``hangul_name``, ``aliases`` and ``slug``; a quote ``pk``, ``text``,
``episode`` and ``character`` (``name``, ``played_by``).
"""

from typing import NamedTuple

from django.urls import reverse_lazy

from kdrama_rewind.data.slugs import split_lines

from .markdown import plain_text, public_text, render_markdown
from .names import link_first_mentions
from .pull_quotes import place_pull_quotes


class RenderedBody(NamedTuple):
    html: str
    placed_quotes: list[int]  # the pks of the pull quotes the body placed
    word_count: int
    search_text: str


def mention_targets(*, dramas, people) -> list[tuple[list[str], str]]:
    """(names, address) of each drama and person a body may mention."""
    # Addresses are made only for the names a body does mention.
    targets = [
        (
            [d.title, d.original_title],
            reverse_lazy("reviews:drama_detail", kwargs={"slug": d.slug}),
        )
        for d in dramas
    ]
    for person in people:
        names = [person.name, person.hangul_name, *split_lines(person.aliases)]
        url = reverse_lazy("people:person_detail", kwargs={"slug": person.slug})
        targets.append(([n for n in names if n], url))
    return targets


def render_body(body: str, *, dramas=(), people=(), quotes=()) -> RenderedBody:
    markup = render_markdown(body)
    placed = place_pull_quotes(markup, list(quotes))
    unplaced = {quote.pk for quote in placed.unplaced}
    html = link_first_mentions(placed.html, mention_targets(dramas=dramas, people=people))
    return RenderedBody(
        html=html,
        placed_quotes=[quote.pk for quote in quotes if quote.pk not in unplaced],
        word_count=len(plain_text(markup).split()),
        search_text=public_text(markup),
    )
