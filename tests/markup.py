"""What in a piece of markup a browser would run, for the tests of
hostile input (tests/reviews/test_properties.py, test_bad_input.py)."""

import re
from html.parser import HTMLParser

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
