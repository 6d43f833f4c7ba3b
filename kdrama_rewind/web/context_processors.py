from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

SITE_DESCRIPTION = (
    "Reviews of Korean dramas old and new, and the K-Drama Rewind column, from the K-drama desk."
)


def site(request):
    """What every page's head needs: the site's name and description, the
    page's canonical address and a default image for link previews. A view
    whose address holds a secret sets ``request.canonical_path`` instead; a
    list names the page it shows (``request.shown_page``), not the one asked
    for (``?page=99``, ``?page=01``, a number too long to read)."""
    canonical = request.build_absolute_uri(getattr(request, "canonical_path", request.path))
    page = getattr(request, "shown_page", 1)
    if page > 1:
        canonical += f"?page={page}"
    return {
        "site_name": settings.SITE_NAME,
        "site_description": SITE_DESCRIPTION,
        "canonical_url": canonical,
        "default_social_image": request.build_absolute_uri(static("social-default.png")),
    }


# The main navigation: (label, URL name, its arguments).
NAVIGATION = [
    ("Latest", "reviews:front_page", {}),
    ("Rewind", "reviews:column_detail", {"slug": "k-drama-rewind"}),
    ("Dramas", "reviews:drama_list", {}),
    ("Quotes", "reviews:quote_list", {}),
    ("Newsletter", "people:newsletter", {}),
]


# Other addresses every page links to (header, footer, feeds), by the names
# templates read them under: ``{{ site_links.review_list }}``.
SITE_LINKS = {
    "front_page": "reviews:front_page",
    "search": "reviews:search",
    "review_list": "reviews:review_list",
    "column_list": "reviews:column_list",
    "drama_list": "reviews:drama_list",
    "person_list": "people:person_list",
    "author_list": "people:author_list",
    "tag_list": "reviews:tag_list",
    "quote_list": "reviews:quote_list",
    "newsletter": "people:newsletter",
    "feed_rss": "reviews:feed_rss",
    "feed_atom": "reviews:feed_atom",
    "web_manifest": "web_manifest",
}


def _addresses() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The navigation's (label, address) pairs and ``SITE_LINKS``' addresses."""
    return _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@cache
def _reversed(prefix, urlconf) -> tuple[list[tuple[str, str]], dict[str, str]]:
    # Once per process (and script prefix and URLconf, which reverse reads).
    navigation = [(label, reverse(name, kwargs=kwargs)) for label, name, kwargs in NAVIGATION]
    return navigation, {key: reverse(name) for key, name in SITE_LINKS.items()}


def navigation(request):
    """The main navigation's links, each with its ``aria-current``: "page"
    on the page it leads to, "true" on the pages under it (a drama under
    Dramas), nothing elsewhere; and the other links every page has
    (``site_links``)."""
    addresses, site_links = _addresses()
    links = []
    for label, url in addresses:
        if request.path == url:
            current = "page"
        elif url != "/" and request.path.startswith(url):
            current = "true"
        else:
            current = ""
        links.append({"label": label, "url": url, "current": current})
    return {"navigation": links, "site_links": site_links}
