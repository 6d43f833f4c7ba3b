"""Telling an HTTP cache in front of the site (Varnish, a CDN) which pages to
drop: every public response names what it shows in its ``Surrogate-Key``
header (``review:12 drama:3 list:front`` …, see ``kdrama_rewind.page_cache``),
and when content changes the site sends those keys here once the change has
committed. ``CACHE_PURGE_URL`` names the cache's purge address; empty, there
is no cache in front and nothing is sent.
"""

from collections.abc import Iterable

from django.conf import settings


def purge_keys(keys: Iterable[str]) -> None:
    """Ask the cache in front to drop every page carrying any of ``keys``.
    Never raises: a cache in front that cannot be reached is logged, and its
    pages expire by their own short lifetime."""
    if not settings.CACHE_PURGE_URL:
        return
