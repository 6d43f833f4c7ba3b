"""Shareable preview links: a signed address that shows one review, in any
state, to someone without an account, until it expires or is revoked."""

from django.core import signing
from django.urls import reverse

from .models import PreviewLink

SALT = "reviews.preview-link"


def preview_url(link: PreviewLink) -> str:
    """The link's address; the same every time (its expiry is kept with it)."""
    token = signing.Signer(salt=SALT).sign(link.key)
    return reverse("reviews:preview", kwargs={"token": token})


def find_link(token: str) -> PreviewLink | None:
    """The link behind ``token`` (usable or not), or None for a forged one."""
    try:
        key = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return PreviewLink.objects.filter(key=key).first()


def find_usable_link(token: str) -> PreviewLink | None:
    """The live link behind ``token``, or None for a forged, expired or revoked one."""
    try:
        key = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return PreviewLink.objects.usable().select_related("review").filter(key=key).first()
