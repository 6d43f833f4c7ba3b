"""The site's icons where browsers look for them without being told:
``/favicon.ico``, and the web app manifest that lists the larger icons.
Pages link both, with the SVG icon and the Apple touch icon (base.html);
``scripts/draw_icons.py`` draws the image files from the SVG mark."""

import json

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_safe

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"
# The name of /favicon.ico never changes, its bytes may: a day in caches.
FAVICON_MAX_AGE = 60 * 60 * 24


@require_safe
def favicon(request):
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response


@require_safe
def web_manifest(request):
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": "Rewind",
        "description": "Korean drama reviews and the K-Drama Rewind column.",
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "lang": "en-GB",
        "background_color": "#fffdf9",
        "theme_color": "#9b1c3f",
        "icons": icons,
    }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
