"""Rate limits per client address, counted in the shared cache, or in the
database while the cache fails.

Counts live in the ``counters`` cache (the same Redis as every other cache
in production, through Django's own backend, so a failure raises), and every
web process sees the same numbers. Windows are fixed and aligned to the clock
(a limit of five an hour allows five from 10:00 to 10:59), which makes them
cheap, the same on every store, and testable by moving the clock.

Check and count are one step: :meth:`RateLimit.take` adds one atomically
and the new count decides, so requests racing each other cannot all slip
under the limit. A caller that wants only failures to count gives the hit
back (:meth:`Taken.give_back`) once it knows.

When the cache fails (Redis down, refusing writes, too slow to answer) the
limits fail safe, neither open nor shut: that process counts in the database
(:class:`kdrama_rewind.models.RateCount`) until the end of the window,
and says so in the log at most once a minute. Counts made in the cache before
the failure are not carried over, so across a failure a limit can allow up
to twice its number, never more.
"""

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connections, router
from django.db.models import F

from kdrama_rewind.models import RateCount

logger = logging.getLogger(__name__)

CACHE_ALIAS = "counters"
# What a failing cache raises: redis-py's errors, and refused or dropped sockets.
CACHE_FAILURES = (redis.RedisError, OSError)
LOG_EVERY = 60


def client_address(request) -> str:
    """The address a request came from: ``REMOTE_ADDR``, or, behind
    ``settings.TRUSTED_PROXY_COUNT`` proxies that each append to
    ``X-Forwarded-For``, the entry the outermost of them added. Entries to the
    left of that one are whatever the client chose to send, so they are never
    trusted. An IPv6 client counts as its /64 network, which is what one
    household or server is usually given."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class _CacheStore:
    """Counts in the ``counters`` cache. Raises ``CACHE_FAILURES`` or
    ``_NotKept`` when the cache does not keep them."""

    @staticmethod
    def add(key: str, timeout: int) -> int:
        cache = caches[CACHE_ALIAS]
        cache.add(key, 0, timeout=timeout)
        try:
            count = cache.incr(key)
        except ValueError:
            # The key was added a moment ago and its window has not ended:
            # a cache that loses it at once is not keeping counts.
            raise _NotKept from None
        if not isinstance(count, int):
            raise _NotKept
        return count

    @staticmethod
    def subtract(key: str) -> None:
        try:
            caches[CACHE_ALIAS].decr(key)
        except (ValueError, *CACHE_FAILURES):
            pass  # gone, or the cache failed since: the window ends anyway


class _NotKept(Exception):
    pass


class _DatabaseStore:
    """Counts in ``RateCount`` rows: one upsert that adds one and returns the
    new count, atomic on SQLite and PostgreSQL alike."""

    @staticmethod
    def add(key: str, timeout: int) -> int:
        alias = router.db_for_write(RateCount)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(RateCount._meta.db_table)
        key_column, count, expires = quote("key"), quote("count"), quote("expires_at")
        expires_at = datetime.fromtimestamp(time.time() + timeout, tz=UTC)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {count}, {expires}) VALUES (%s, 1, %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE SET {count} = {table}.{count} + 1 "
                f"RETURNING {count}",
                [key, connection.ops.adapt_datetimefield_value(expires_at)],
            )
            value = cursor.fetchone()[0]
        _DatabaseStore.forget_expired(alias)
        return value

    @staticmethod
    def subtract(key: str) -> None:
        RateCount.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    _forgotten_at = 0.0

    @classmethod
    def forget_expired(cls, alias: str) -> None:
        """Delete the rows of ended windows, at most once a minute per process."""
        if abs(time.time() - cls._forgotten_at) < 60:
            return
        cls._forgotten_at = time.time()
        now = datetime.fromtimestamp(time.time(), tz=UTC)
        RateCount.objects.using(alias).filter(expires_at__lt=now).delete()


@dataclass
class Taken:
    """One hit, counted: ``allowed`` while the count is within the limit."""

    count: int
    limit: int
    _key: str = field(repr=False)
    _store: type = field(repr=False)
    _given_back: bool = field(default=False, repr=False)

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    def give_back(self) -> None:
        """Uncount this hit (once): the attempt turned out not to count."""
        if not self._given_back:
            self._given_back = True
            self._store.subtract(self._key)


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for each key."""

    scope: str
    limit: int
    window: int

    def _key(self, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}:{int(time.time()) // self.window}"

    def take(self, key: str) -> Taken:
        """Count one hit for ``key``, and say whether it is within the limit."""
        stored_key = self._key(key)
        store = _DatabaseStore
        if _cache_counts(self):
            try:
                count = _CacheStore.add(stored_key, self.window)
                store = _CacheStore
            except (_NotKept, *CACHE_FAILURES) as error:
                _cache_failed(self, error)
        if store is _DatabaseStore:
            count = _DatabaseStore.add(stored_key, self.window)
        return Taken(count, self.limit, stored_key, store)

    def hit(self, key: str) -> bool:
        """Count one hit for ``key``; False once the limit is passed."""
        return self.take(key).allowed

    def retry_after(self) -> int:
        """Seconds until the current window ends."""
        return self.window - int(time.time()) % self.window


# While the cache fails, each limit counts in the database until its window
# ends (per process): (limit, window number) pairs, and when it was last logged.
_in_database: set[tuple[str, int]] = set()
_logged_at = [-float(LOG_EVERY)]


def _cache_counts(limit: RateLimit) -> bool:
    if isinstance(caches[CACHE_ALIAS], DummyCache):
        return False
    return (limit.scope, int(time.time()) // limit.window) not in _in_database


def _cache_failed(limit: RateLimit, error: Exception) -> None:
    _in_database.add((limit.scope, int(time.time()) // limit.window))
    if time.monotonic() - _logged_at[0] >= LOG_EVERY:
        _logged_at[0] = time.monotonic()
        logger.warning(
            "Rate limits are counted in the database: the cache does not keep counts (%s: %s).",
            type(error).__name__,
            error,
        )


def use_the_cache_again() -> None:
    """Forget past cache failures (for tests, and a process told the cache is back)."""
    _in_database.clear()
    _logged_at[0] = -float(LOG_EVERY)
