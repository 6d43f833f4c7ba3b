from urllib.parse import urljoin

from django.conf import settings


def absolute_url(path_or_url: str) -> str:
    """An address readers can follow from outside the site, such as an email:
    a path is joined to ``settings.SITE_URL``; a full URL (media on object
    storage, say) is kept as it is. Emails never take the host from a
    request, so a forged ``Host`` header cannot end up in a link."""
    return urljoin(f"{settings.SITE_URL}/", path_or_url)
