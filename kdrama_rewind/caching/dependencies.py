"""What each cached thing shows, and dropping exactly what a change touches.

Everything the site caches for readers (a whole page, a template fragment, a
remembered value) records its *dependency keys*: the objects it shows
(``review:12``, ``drama:3``, ``person:7``…) and the lists it shows
(``list:front``, ``list:tag:5``…). Objects are recorded by themselves:
every instance of a tracked model loaded while something is being made
adds its key (``track``). Lists are declared by the view that shows them
(``depends_on``), because a list must change when a review *joins* it, and
nothing of that review was loaded when the list was made.

Each key has a *version* in the cache: the value of a shared sequence at the
key's last invalidation. An entry stores the versions of its keys as they
were when it was made, and is served only while every one still matches.
An entry's keys are remembered by each process, so the entry, the versions
of its keys and the sequence come back in one round trip (``lookup``).

Each process also keeps the entries it has checked (``CheckedEntries``, up to
``CACHE_LOCAL_BYTES``) with the sequence it read when it checked them. No key
can have moved while the sequence has not, so while it still reads the
same, the entry is served from the process's memory after one round trip
for two small numbers: the sequence and the epoch. Once it moves, the
versions of the entry's keys are read again (not the entry itself).

``invalidate`` moves the sequence on and gives each key the new number once
a change has committed, and hands the keys to an HTTP cache in front
(``kdrama_rewind.caching.purge``). An entry is stored only if none of its keys moved
after the moment its making began, so a change committed while a page was
rendering never leaves the old page stored. A cache that was unreachable
when a change committed cannot have been told: any process that saw the
cache fail moves the *epoch*, which every entry also records, once the cache
answers again (``kdrama_rewind.caching.backend.on_recovery``), before reading from it.

The apps say which keys a change touches (``reviews/cache_keys.py``) and,
through ``register_moments``, when something will appear by itself (a
scheduled review) and which keys it touches then: entries with those keys
are not kept past that moment.
"""

import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models.signals import post_init
from django.utils import timezone

from kdrama_rewind.caching import purge
from kdrama_rewind.caching.memory import Checked, CheckedEntries, Numbers

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "deps:sequence"
EPOCH_KEY = "deps:epoch"
MOMENTS_KEY = "deps:moments"
MOMENTS_SECONDS = 60
# More objects of one kind than this on one page (an index, a sitemap) are
# recorded as ``all:<kind>``, which every change of that kind moves.
MAX_KEYS_PER_KIND = 50
KNOWN_ENTRIES = 20_000

_collectors: ContextVar[tuple[set, ...]] = ContextVar("dependency_collectors", default=())
_prefixes: dict[type, str] = {}
_moments_hook: list[Callable[[], list[tuple[datetime, Iterable[str]]]]] = []
# Per process: the keys each entry recorded when last seen, so a lookup
# can ask for their versions in the same round trip as the entry.
_known: dict[str, tuple[str, ...]] = {}


# ------------------------------------------------------------ recording what is shown


def depends_on(*keys: str) -> None:
    """Record ``keys`` in everything being made right now."""
    for collected in _collectors.get():
        collected.update(keys)


class collecting:
    """Record the keys of what is loaded or declared inside the block (and
    in every enclosing block). A nested block starts with what its parent
    knows so far: a fragment shows objects the page loaded before it."""

    def __init__(self):
        self.keys: set[str] = set()

    def __enter__(self):
        stack = _collectors.get()
        if stack:
            self.keys.update(stack[-1])
        self._token = _collectors.set((*stack, self.keys))
        return self

    def __exit__(self, *exc):
        _collectors.reset(self._token)
        return False


class ignoring:
    """Record nothing loaded inside the block (rows read only to choose
    among them); ``record`` what of them is shown."""

    def __enter__(self):
        self._token = _collectors.set(())

    def __exit__(self, *exc):
        _collectors.reset(self._token)
        return False


def record(*instances) -> None:
    """Record these tracked instances as shown."""
    depends_on(*(key_for(type(obj), obj.pk) for obj in instances if type(obj) in _prefixes))


def track(model, prefix: str) -> None:
    """Instances of ``model`` loaded while something is being made add
    ``<prefix>:<pk>`` to it; ``key_for`` names them for invalidation."""
    _prefixes[model] = prefix
    post_init.connect(_loaded, sender=model, dispatch_uid=f"dependencies-{model._meta.label}")


def key_for(model, pk) -> str:
    return f"{_prefixes[model]}:{pk}"


def every_key(model) -> str:
    """The key a change to any instance of ``model`` moves (``invalidate``):
    for what depends on rows it never loads, such as their newest date."""
    return f"all:{_prefixes[model]}"


def _loaded(sender, instance, **kwargs):
    if instance.pk is not None and _collectors.get():
        depends_on(f"{_prefixes[sender]}:{instance.pk}")


def compact(keys: Iterable[str]) -> list[str]:
    """``keys`` sorted, once each, a kind with too many objects as ``all:<kind>``."""
    by_kind: dict[str, list[str]] = {}
    rest = []
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind in _prefixes.values() and ident.isdigit():
            by_kind.setdefault(kind, []).append(key)
        else:
            rest.append(key)
    for kind, members in by_kind.items():
        rest.extend([f"all:{kind}"] if len(members) > MAX_KEYS_PER_KIND else members)
    return sorted(set(rest))


def _version_key(dep: str) -> str:
    return f"deps:v:{dep}"


# ------------------------------------------------------------------- the store


class Lookup:
    """What ``lookup`` found: the value (``hit``), and for a miss the sequence
    when making began (``None``: the cache did not answer, keep nothing)."""

    __slots__ = ("hit", "value", "started")

    def __init__(self, hit=False, value=None, started=None):
        self.hit, self.value, self.started = hit, value, started


_checked = CheckedEntries()
_numbers = Numbers()


def forget_checked() -> None:
    """Drop what this process kept of entries it checked, and the numbers it
    read (after the cache itself was cleared)."""
    _checked.clear()
    _numbers.forget()


def lookup(key: str) -> Lookup:
    """The entry at ``key`` if none of its keys moved: from this process's
    memory while the sequence has not moved since it was checked, else in
    one round trip when this process has seen the entry before."""
    kept = _checked.get(key)
    if kept is not None:
        found = _from_memory(key, kept)
        if found is not None:
            return found
    known = _known.get(key, ())
    names = [key, SEQUENCE_KEY, EPOCH_KEY, *map(_version_key, known)]
    found = cache.get_many(names)
    sequence = found.get(SEQUENCE_KEY)
    if sequence is None:
        sequence = _start(SEQUENCE_KEY)  # None: the cache failed, keep nothing
    entry = found.get(key)
    epoch = found.get(EPOCH_KEY)
    if entry is None or len(entry) != 4 or entry[0] != epoch:
        return Lookup(started=sequence)
    _, versions, value, expires_at = entry
    if time.time() >= expires_at:
        return Lookup(started=sequence)
    deps = tuple(versions)
    if deps != known:
        _remember(key, deps)
        found.update(cache.get_many([_version_key(d) for d in deps if d not in known]))
    if any(found.get(_version_key(dep)) != version for dep, version in versions.items()):
        return Lookup(started=sequence)
    _checked.put(
        key,
        sequence=found.get(SEQUENCE_KEY),
        epoch=epoch,
        versions=versions,
        value=value,
        expires_at=expires_at,
    )
    depends_on(*deps)
    return Lookup(hit=True, value=value)


def _from_memory(key: str, kept: Checked) -> Lookup | None:
    """The entry kept in memory if it is still current; ``None`` to look in
    the cache."""
    found = _numbers.read(_read_numbers) if time.time() < kept.expires_at else {}
    now, versions = found.get(SEQUENCE_KEY), kept.versions
    if now is None or found.get(EPOCH_KEY) != kept.epoch:
        _checked.drop(key)
        return None
    if now != kept.sequence:
        # Something changed somewhere: did any of this entry's keys move?
        current = cache.get_many([_version_key(dep) for dep in versions])
        if any(current.get(_version_key(dep)) != v for dep, v in versions.items()):
            _checked.drop(key)
            return None
        _checked.recheck(key, now)
    depends_on(*versions)
    return Lookup(hit=True, value=kept.value())


def _read_numbers() -> dict:
    """The sequence and the epoch, both or neither (the cache failed)."""
    found = cache.get_many([SEQUENCE_KEY, EPOCH_KEY])
    return found if len(found) == 2 else {}


def store(key: str, value, deps: Iterable[str], started: int | None, seconds: int) -> int:
    """Keep ``value`` at ``key`` with the versions of ``deps``, unless one
    moved since ``started`` (the sequence when making began). Returns the
    seconds it is kept: ``seconds``, cut short by the next moment something
    these keys show appears by itself (0: not kept)."""
    deps = compact(deps)
    if started is None or seconds <= 0:
        return 0
    names = [SEQUENCE_KEY, EPOCH_KEY, MOMENTS_KEY, *map(_version_key, deps)]
    versions_found = cache.get_many(names)
    epoch = versions_found.get(EPOCH_KEY)
    if epoch is None:
        epoch = _start(EPOCH_KEY)
    seconds = min(seconds, _until_moment(deps, versions_found.get(MOMENTS_KEY)))
    versions = {}
    for dep in deps:
        version = versions_found.get(_version_key(dep))
        if version is None:  # never changed, or forgotten: from now on
            if cache.add(_version_key(dep), started, timeout=None):
                version = started
            else:
                version = cache.get(_version_key(dep))
        if version is None or version > started:
            return 0  # changed while it was being made, or the cache failed
        versions[dep] = version
    if seconds <= 0:
        return 0
    expires_at = time.time() + seconds
    cache.set(key, (epoch, versions, value, expires_at), seconds)
    _remember(key, tuple(versions))
    # Current when the sequence read above was: checked at that number.
    _checked.put(
        key,
        sequence=versions_found.get(SEQUENCE_KEY),
        epoch=epoch,
        versions=versions,
        value=value,
        expires_at=expires_at,
    )
    return seconds


def _remember(key: str, deps: tuple[str, ...]) -> None:
    if len(_known) >= KNOWN_ENTRIES:
        _known.clear()
    _known[key] = deps


def _start(key: str) -> int:
    """A sequence or epoch that was never set or was lost starts from the
    clock (in microseconds: no process moves it a million times a second),
    so it never goes back to a number used before, by any process's memory."""
    cache.add(key, time.time_ns() // 1000, timeout=None)
    return cache.get(key)


# ---------------------------------------------------------------- invalidation


def invalidate(keys: Iterable[str]) -> None:
    """Make every entry recording any of ``keys`` stale, here and in the
    HTTP cache in front. Call it once the change has committed."""
    keys = sorted(set(keys))
    if not keys:
        return
    kinds = {key.partition(":")[0] for key in keys}
    keys += [f"all:{kind}" for kind in sorted(kinds & set(_prefixes.values()))]
    _numbers.forget()  # this process sees its own change at once
    sequence = _incr_or_start(SEQUENCE_KEY)
    if sequence is not None:
        cache.set_many({_version_key(key): sequence for key in keys}, timeout=None)
        # Moved again once the versions are written: a process that read the
        # sequence between the two, with the old versions, checks again.
        _incr_or_start(SEQUENCE_KEY)
        cache.delete(MOMENTS_KEY)
    elif not isinstance(caches["default"], DummyCache):  # no cache: nothing to drop
        logger.warning("Cache unreachable: %d keys will be dropped when it returns.", len(keys))
    purge.purge_keys(keys)


def _incr_or_start(key: str) -> int | None:
    """The sequence moved on; ``None`` if the cache cannot be reached."""
    try:
        return cache.incr(key)
    except ValueError:  # never set, or lost: it starts again from the clock
        _start(key)
        try:
            return cache.incr(key)
        except ValueError:
            return None


def invalidate_on_commit(keys: Iterable[str] | Callable[[], Iterable[str]]) -> None:
    """``invalidate`` the keys once the current transaction commits; given a
    function, the keys are worked out then (reading what committed)."""
    transaction.on_commit(lambda: invalidate(keys() if callable(keys) else keys))


def invalidate_everything() -> None:
    """Make every entry stale (a bulk load, or a cache that missed changes)."""
    _numbers.forget()
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:
        _start(EPOCH_KEY)
    cache.delete(MOMENTS_KEY)


# ------------------------------------------------------------------ moments


def register_moments(hook: Callable[[], list[tuple[datetime, Iterable[str]]]]) -> None:
    """``hook()`` lists the coming moments when something appears by itself,
    each with the keys it touches, soonest first (a few are enough)."""
    _moments_hook[:] = [hook]


def _work_out_moments():
    with ignoring():  # what the hook loads is not shown by the page being made
        moments = [(m, frozenset(keys)) for hook in _moments_hook for m, keys in hook()]
    # A list, empty when nothing is scheduled: only a missing one means "unknown".
    cache.set(MOMENTS_KEY, moments, MOMENTS_SECONDS)
    return moments


def lifetime(deps: Iterable[str], seconds: int) -> int:
    """``seconds``, cut short by the next moment something ``deps`` shows
    appears by itself."""
    return min(seconds, _until_moment(compact(deps), cache.get(MOMENTS_KEY)))


def _until_moment(deps: list[str], moments) -> int:
    if moments is None or any(moment <= timezone.now() for moment, _ in moments):
        moments = _work_out_moments()
    now, shown, seconds = timezone.now(), set(deps), 10**9
    for moment, keys in moments:
        if keys & shown:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return max(seconds, 0)
