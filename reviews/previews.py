"""Shareable preview links: a signed address that shows one review, in any
state, to someone without an account, until it expires or is revoked."""

from django.core import signing
from django.urls import reverse

from .models import PreviewLink

SALT = "reviews.preview-link"


def preview_url(link: PreviewLink) -> str:
    token = signing.dumps(link.key, salt=SALT)
    return reverse("reviews:preview", kwargs={"token": token})


def find_usable_link(token: str) -> PreviewLink | None:
    """The live link behind ``token``, or None for a forged, expired or revoked one."""
    try:
        key = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return PreviewLink.objects.usable().select_related("review").filter(key=key).first()
