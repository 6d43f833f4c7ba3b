"""Uploaded media, served so that nothing uploaded can run as a page.

Uploads are validated images (JPEG, PNG, WebP) and their WebP renditions,
but whatever is in the media folder is served the same careful way: images
inline with their own content type, anything else as a download; never
sniffed; and sandboxed by a policy that lets no script run and no page load,
even if a file were opened directly. Paths are resolved inside MEDIA_ROOT
only (Django's static ``serve`` refuses ``..``).

Renditions (``renditions/``) are made once from an original whose stored
name is never reused for other bytes while it exists, and crops and social
cards carry what they show in their names, so those names never change
meaning: browsers and CDNs may keep them for a year without asking again.
Originals are kept for a day.

:func:`serving_headers` is the one statement of these rules: this view sends
them for media on the local disk, and object storage stores them with each
object (``kdrama_rewind/media/s3.py``), so the bucket, or the CDN in front of
it, sends them too.
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
# Folders whose names never change meaning (see above).
NEVER_CHANGING = ("renditions/", "crops/", "social/")
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"


def serving_headers(name: str) -> dict[str, str]:
    """The type, disposition and caching a stored file ``name`` is served with."""
    filename = posixpath.basename(name).replace('"', "").replace("\\", "")
    image_type = IMAGE_TYPES.get(posixpath.splitext(filename)[1].lower())
    if image_type:
        kind, disposition = image_type, "inline"
    else:
        kind, disposition = "application/octet-stream", "attachment"
    return {
        "Content-Type": kind,
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "Cache-Control": IMMUTABLE if name.startswith(NEVER_CHANGING) else ONE_DAY,
    }


@require_safe
def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    for header, value in serving_headers(path).items():
        response[header] = value
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response
