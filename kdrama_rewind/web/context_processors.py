from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

SITE_DESCRIPTION = (
    "Reviews of Korean dramas old and new, and the K-Drama Rewind column, from the K-drama desk."
)


def site(request):
    """What every page's head needs: the site's name and description, the
    page's canonical address and a default image for link previews. A view
    whose address holds a secret sets ``request.canonical_path`` instead."""
    canonical = request.build_absolute_uri(getattr(request, "canonical_path", request.path))
    page = request.GET.get("page", "")
    if page.isdigit() and int(page) > 1:
        canonical += f"?page={int(page)}"
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


def navigation(request):
    """The main navigation's links, each with its ``aria-current``: "page"
    on the page it leads to, "true" on the pages under it (a drama under
    Dramas), nothing elsewhere."""
    links = []
    for label, name, kwargs in NAVIGATION:
        url = reverse(name, kwargs=kwargs)
        if request.path == url:
            current = "page"
        elif url != "/" and request.path.startswith(url):
            current = "true"
        else:
            current = ""
        links.append({"label": label, "url": url, "current": current})
    return {"navigation": links}
