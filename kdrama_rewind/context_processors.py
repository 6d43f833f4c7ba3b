from django.conf import settings
from django.templatetags.static import static

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
