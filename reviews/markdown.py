"""Review bodies: Markdown in, sanitized HTML out.

markdown-it-py in its safe preset (raw HTML is escaped, dangerous link
schemes refused) renders the Markdown; nh3 then keeps only the tags and
attributes on the allow-list below, so nothing an editor or an import types
can run in a reader's browser. Typographic quotes and Hangul pass through
exactly as written.

A spoiler is a fenced block that readers open on purpose::

    :::spoiler The ending
    Who ends up with whom.
    :::

It renders as a closed <details> element. Feeds, social cards and the
newsletter show standfirsts, never bodies; search works on ``public_text``,
which leaves spoilers out.

A paragraph of its own of the form ``[pull quote: “words”]`` places one of
the review's pull quotes there (``reviews/pull_quotes.py``); search reads
it as the quoted words.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "ul", "ol", "li", "strong", "em", "s", "del", "code", "pre", "a",
    "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "details": {"class"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _page_headings(state) -> None:
    """The page's only h1 is the headline: a ``#`` heading in a body becomes h2."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _image_as_text(self, tokens, idx, options, env) -> str:
    """Body images are not embedded (pages take images from the hero and
    the media library); the alt text is kept as plain text."""
    return html.escape(tokens[idx].content)


def _spoiler(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        title = token.info.strip().removeprefix("spoiler").strip() or "the plot"
        return f'<details class="spoiler"><summary>Spoiler: {html.escape(title)}</summary>\n'
    return "</details>\n"


_markdown = MarkdownIt("js-default").use(container_plugin, name="spoiler", render=_spoiler)
_markdown.core.ruler.push("page_headings", _page_headings)
_markdown.add_render_rule("image", _image_as_text)


def sanitize_html(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    text = text or ""
    try:
        rendered = _markdown.render(text)
    except IndexError:
        # The spoiler plugin (mdit-py-plugins 0.7) reads past the end of a
        # text whose last line is an empty quoted one ("> :::spoiler\n> "),
        # and such a review could not be saved. Ended with a newline, as a
        # file is, the text renders. Only those texts get one: a newline
        # more changes how others render (an unclosed code block gains a
        # line), and their stored bodies would no longer match.
        rendered = _markdown.render(text + "\n")
    return sanitize_html(rendered)


def plain_text(markup: str) -> str:
    """Text content of sanitized HTML, for word counts and summaries."""
    return html.unescape(nh3.clean(markup, tags=set()))


PARAGRAPH = re.compile(r"<p>(?P<inner>.*?)</p>\n?", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
PULL_QUOTE_MARKER = re.compile(
    r"\[\s*pull quote\s*:\s*[\"“”](?P<text>.*)[\"“”]\s*\]", re.IGNORECASE | re.DOTALL
)


def pull_quote_marker(paragraph_html: str) -> str | None:
    """The words a paragraph's markup names, if the whole paragraph is a
    pull-quote marker."""
    text = html.unescape(TAG.sub("", paragraph_html)).strip()
    match = PULL_QUOTE_MARKER.fullmatch(text)
    return match["text"] if match else None


def public_text(markup: str) -> str:
    """Text content of rendered HTML with its spoiler blocks left out, for
    search, and pull-quote markers read as the words they quote. Taken from
    the HTML, a spoiler goes exactly as the page hides it, even one that is
    never closed."""

    def quoted(match):
        words = pull_quote_marker(match["inner"])
        return match.group(0) if words is None else f"<p>“{html.escape(words)}”</p>\n"

    markup = PARAGRAPH.sub(quoted, markup)
    return html.unescape(nh3.clean(markup, tags=set(), clean_content_tags={"details"}))
