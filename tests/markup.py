"""Reading what pages and feeds hand to a browser or a feed reader: what in
a piece of markup would run (for the tests of hostile input), the JSON-LD a
page carries, and what a careless feed reader renders."""

import json
import re
from html.parser import HTMLParser

import feedparser

ACTIVE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "base"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the markup."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def element_dangers(tag: str, attrs, *, allowed=frozenset()) -> list[str]:
    problems = []
    if tag in ACTIVE_TAGS - allowed:
        problems.append(f"<{tag}>")
    for name, value in attrs:
        if name.startswith("on"):
            problems.append(f"{tag} {name}=")
        squeezed = re.sub(r"[\x00-\x20]", "", value or "")
        if name in ("href", "src", "action", "formaction") and BAD_SCHEME.match(squeezed):
            problems.append(f"{tag} {name}={value}")
    return problems


def dangers(markup: str) -> list[str]:
    return [p for tag, attrs in Elements(markup).found for p in element_dangers(tag, attrs)]


def json_ld(response) -> list[dict]:
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in found]


def rendered_by_a_feed_reader(content: bytes) -> list[tuple[str, str, str]]:
    """What a feed reader renders from a feed, as (where, type, value): every
    text feedparser gives a content type, parsed with its sanitizing off as a
    careless reader would. Text typed text/html is rendered as markup."""
    feed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, feed.get("bozo_exception")
    texts = []
    for where, values in [("feed", feed.feed), *(("entry", entry) for entry in feed.entries)]:
        for key in ("title_detail", "subtitle_detail", "summary_detail"):
            if key in values:
                texts.append((f"{where} {key}", values[key]["type"], values[key]["value"]))
        for content_detail in values.get("content", []):
            texts.append((f"{where} content", content_detail["type"], content_detail["value"]))
    return texts
