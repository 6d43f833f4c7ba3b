from functools import cache
from urllib.parse import quote, urljoin

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS


def absolute_url(path_or_url: str) -> str:
    """An address readers can follow from outside the site, such as an email:
    a path is joined to ``settings.SITE_URL``; a full URL (media on object
    storage, say) is kept as it is. Emails never take the host from a
    request, so a forged ``Host`` header cannot end up in a link."""
    return urljoin(f"{settings.SITE_URL}/", path_or_url)


# What ``reverse`` leaves unquoted in an address (django.urls.resolvers).
_SAFE = RFC3986_SUBDELIMS + "/~:@"


def page_url(name: str, **kwargs: str) -> str:
    """``reverse(name, kwargs=kwargs)`` for an address whose arguments are
    ``<str:…>`` path segments (every public object's page), for a small
    part of its cost: each name is reversed once per process, with
    placeholders, and the arguments are quoted into it as ``reverse`` would.
    A value ``reverse`` would refuse (empty, or with a "/") goes to it."""
    values = {}
    for key, value in kwargs.items():
        value = str(value)
        if not value or "/" in value:
            return reverse(name, kwargs=kwargs)
        values[key] = quote(value, safe=_SAFE)
    pattern = _address_pattern(
        get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, name, tuple(kwargs)
    )
    if pattern is None:
        return reverse(name, kwargs=kwargs)
    return pattern.format_map(values) if values else pattern


@cache
def _address_pattern(prefix: str, urlconf, name: str, keys: tuple[str, ...]) -> str | None:
    """The address of ``name`` with a ``{key}`` for each argument (``prefix``
    and ``urlconf`` only key the cache: ``reverse`` reads them itself)."""
    marks = {key: f"zq{index}placeholderqz" for index, key in enumerate(keys)}
    address = reverse(name, kwargs=marks)
    if "{" in address or "}" in address:
        return None
    for key, mark in marks.items():
        if address.count(mark) != 1:
            return None
        address = address.replace(mark, "{" + key + "}")
    return address
