"""Shared pieces of the site's schema.org JSON-LD (see the json_ld filter)."""

from django.conf import settings
from django.templatetags.static import static

CONTEXT = "https://schema.org"


def publisher(absolute) -> dict:
    return {
        "@type": "Organization",
        "@id": absolute("/#organization"),
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


def website_graph(absolute, *, search_path: str) -> dict:
    """The front page's: the site, who publishes it, and how to search it
    (``search_path`` takes the query as ``?q=``)."""
    organization = publisher(absolute)
    website = {
        "@type": "WebSite",
        "@id": absolute("/#website"),
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "inLanguage": "en-GB",
        "publisher": {"@id": organization["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(search_path) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    return {"@context": CONTEXT, "@graph": [website, organization]}
