"""The byte sizes of stored renditions, remembered in the cache.

A feed names the length of each item's image (its enclosure), and on object
storage each size is a request: 30 for a feed of 30 items, every time a
change makes the feed be assembled again. A rendition's bytes only change
when the renditions are made again (``images.RenditionImageFieldFile``),
which records the new sizes here; a size is otherwise asked of the storage
once a day at most. A file the storage cannot tell about (missing, or the
storage unreachable) has size 0 and is asked about again next time. A cache
that cannot be reached only means asking the storage.
"""

import hashlib
from collections.abc import Iterable

from django.core.cache import cache

SECONDS = 24 * 60 * 60


def _key(name: str) -> str:
    return f"size:{hashlib.sha256(name.encode()).hexdigest()}"


def remember_size(name: str, size: int) -> None:
    cache.set(_key(name), size, SECONDS)


def stored_sizes(storage, names: Iterable[str]) -> dict[str, int]:
    """The size in bytes of each stored file in ``names`` (0 for one the
    storage cannot tell about): the remembered ones in one cache round trip,
    the rest asked of the storage and remembered."""
    keys = {_key(name): name for name in names}
    sizes = {keys[key]: size for key, size in cache.get_many(list(keys)).items()}
    learned = {}
    for key, name in keys.items():
        if name in sizes:
            continue
        try:
            sizes[name] = learned[key] = storage.size(name)
        except OSError:
            sizes[name] = 0
    if learned:
        cache.set_many(learned, SECONDS)
    return sizes
