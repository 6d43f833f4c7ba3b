"""Uploaded media, served so that nothing uploaded can run as a page.

Uploads are validated images (JPEG, PNG, WebP) and their WebP renditions,
but whatever is in the media folder is served the same careful way: images
inline with their own content type, anything else as a download; never
sniffed; and sandboxed by a policy that lets no script run and no page load,
even if a file were opened directly. Paths are resolved inside MEDIA_ROOT
only (Django's static ``serve`` refuses ``..``).

Renditions (``renditions/``) are made once from an original whose stored
name is never reused for other bytes while it exists, so their names never
change meaning: browsers and CDNs may keep them for a year without asking
again. Originals are kept for a day.
"""

import posixpath

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve

IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
RENDITIONS = "renditions/"
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"


@require_safe
def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    name = posixpath.basename(path).replace('"', "")
    image_type = IMAGE_TYPES.get(posixpath.splitext(name)[1].lower())
    if image_type:
        response["Content-Type"] = image_type
        response["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = IMMUTABLE if path.startswith(RENDITIONS) else ONE_DAY
    return response
