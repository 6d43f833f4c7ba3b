"""Cache entries a process has found current, kept in its own memory.

``kdrama_rewind.caching.dependencies`` serves them while the shared
sequence still reads as it did when they were checked; this module only
keeps them: as pickles (each hit unpickles its own copy, so no request sees
another's changes to it), least recently used first out past
``CACHE_LOCAL_BYTES``.
"""

import pickle
import threading
from collections import OrderedDict
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
