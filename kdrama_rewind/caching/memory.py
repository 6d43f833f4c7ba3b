"""Cache entries a process has found current, kept in its own memory, and
the shared numbers they are checked against.

``kdrama_rewind.caching.dependencies`` serves the entries while the shared
sequence still reads as it did when they were checked; this module only
keeps them: as pickles (each hit unpickles its own copy, so no request sees
another's changes to it), least recently used first out past
``CACHE_LOCAL_BYTES``; and the numbers as last read (``Numbers``): for one
request (``one_reading``), and for ``CACHE_RECHECK_SECONDS`` across requests.
"""

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from typing import NamedTuple

from django.conf import settings


class Checked(NamedTuple):
    sequence: int  # the shared sequence when the entry was last found current
    epoch: int
    versions: dict  # its dependency keys' versions
    blob: bytes
    expires_at: float  # time.time()

    def value(self):
        return pickle.loads(self.blob)


class CheckedEntries:
    """Entries this process has found current, as pickles (each hit gets its
    own copy), with the sequence and epoch read when they were checked and
    the moment they expire; the least recently used go past ``limit`` bytes."""

    def __init__(self):
        self.entries: OrderedDict[str, Checked] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Checked | None:
        with self.lock:
            kept = self.entries.get(key)
            if kept is not None:
                self.entries.move_to_end(key)
            return kept

    def put(self, key, *, sequence, epoch, versions, value, expires_at) -> None:
        limit = settings.CACHE_LOCAL_BYTES
        if limit <= 0 or sequence is None or epoch is None:
            return
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(blob) > limit // 8:
            return
        with self.lock:
            self._drop(key)
            self.entries[key] = Checked(sequence, epoch, versions, blob, expires_at)
            self.size += len(blob)
            while self.size > limit:
                self._drop(next(iter(self.entries)))

    def recheck(self, key: str, sequence) -> None:
        with self.lock:
            if (kept := self.entries.get(key)) is not None:
                self.entries[key] = kept._replace(sequence=sequence)

    def drop(self, key: str) -> None:
        with self.lock:
            self._drop(key)

    def _drop(self, key: str) -> None:
        kept = self.entries.pop(key, None)
        if kept is not None:
            self.size -= len(kept.blob)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


# Inside ``one_reading``: the numbers as first read there ({} until then).
_reading: ContextVar[dict | None] = ContextVar("cache_numbers_reading", default=None)


class one_reading:
    """Inside the block (one public request), entries kept in memory are
    checked against the numbers as first read there: a page and its
    fragments cost one round trip at most, and agree with each other."""

    def __enter__(self):
        self._token = _reading.set({})
        return self

    def __exit__(self, *exc):
        _reading.reset(self._token)
        return False


class Numbers:
    """The shared numbers (sequence and epoch) as this process last read
    them, trusted for ``CACHE_RECHECK_SECONDS``: a change made by another
    process is seen that much later at most (one made here, at once:
    ``forget``)."""

    def __init__(self):
        self.found: dict = {}
        self.at = 0.0

    def read(self, read: Callable[[], dict]) -> dict:
        """The numbers: ``read()`` them unless read lately; ``{}``: unknown."""
        reading = _reading.get()
        if reading:
            return reading
        found = self.found
        if not found or time.monotonic() - self.at >= settings.CACHE_RECHECK_SECONDS:
            found = read()
            self.found, self.at = found, time.monotonic()
        if reading is not None:
            reading.update(found)
        return found

    def forget(self) -> None:
        self.found = {}
