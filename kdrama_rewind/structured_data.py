"""Shared pieces of the site's schema.org JSON-LD (see the json_ld filter)."""

from django.conf import settings
from django.templatetags.static import static

CONTEXT = "https://schema.org"


def publisher(absolute) -> dict:
    return {
        "@type": "Organization",
        "name": settings.SITE_PUBLISHER,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(static("logo.png"))},
    }


def breadcrumbs(absolute, trail: list[tuple[str, str]]) -> dict:
    """``trail`` is (name, path) pairs from the front page down."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": absolute(path)}
            for index, (name, path) in enumerate(trail, start=1)
        ],
    }
