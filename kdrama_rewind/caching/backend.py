"""Django's Redis cache backend, with one Redis client per connection pool,
that degrades instead of failing.

Django's backend builds a new ``redis.Redis`` object for every operation; with
redis-py 8 building one costs more than a round trip to Redis on the same
machine. The client is thread-safe and holds no state beyond its pool, so one
per pool serves every operation.

The site's caches are there for speed, never for correctness: while Redis
cannot be reached or fails, every operation answers as Django's dummy
cache, which keeps nothing, would (``get`` gives the default, ``set`` and
``add`` accept and keep nothing, ``incr`` finds no key) and pages are made
from the database. The first failure
opens a breaker: for ``CACHE_RETRY_SECONDS`` this process does not try Redis at all,
so a frozen Redis costs one request one timeout (the settings keep them
short), not every request. Failures are logged once a minute. When Redis
answers again, the hooks registered with ``on_recovery`` run before anything
is read from it (the page cache drops every entry, since changes made
meanwhile could not be recorded there).
"""

import functools
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60.0

_recovery_hooks: list[Callable] = []


def on_recovery(hook: Callable) -> None:
    """Run ``hook(cache)`` when a cache that failed answers again, before it
    serves anything; it may use ``cache`` (failures then raise)."""
    if hook not in _recovery_hooks:
        _recovery_hooks.append(hook)


class _Breaker:
    """Shared by every thread of a process, one per Redis address."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.logged_at = -LOG_EVERY_SECONDS
        self.failures = 0

    def failed(self, location: str, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            if self.down_since is None:
                self.down_since = now
            self.retry_at = now + settings.CACHE_RETRY_SECONDS
            self.failures += 1
            if now - self.logged_at < LOG_EVERY_SECONDS:
                return
            self.logged_at, failures, self.failures = now, self.failures, 0
        logger.error(
            "The cache at %s failed (%s: %s); pages are made from the database "
            "(%d failures since the last report).",
            location,
            type(error).__name__,
            error,
            failures,
        )


_breakers: dict[str, _Breaker] = {}


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _degrading(fallback):
    """Run the operation unless the breaker is open; on a Redis failure,
    open it and answer ``fallback(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not self._usable():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._breaker.failed(self._location, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, version=None):
    return default


def _no_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found: the cache cannot be reached.")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
        self._location = ",".join(self._servers)
        self._breaker = _breakers.setdefault(self._location, _Breaker())

    def validate_key(self, key):
        """Redis takes any key: Django's checks for keys memcached would
        refuse cost more than the round trip on a page's many keys."""

    def _usable(self) -> bool:
        """Whether to try Redis: yes while it works; while it fails, once
        every ``CACHE_RETRY_SECONDS``, after the recovery hooks have run."""
        breaker = self._breaker
        if breaker.down_since is None:
            return True
        if time.monotonic() < breaker.retry_at:
            return False
        with breaker.lock:
            if breaker.down_since is None:
                return True
            breaker.retry_at = time.monotonic() + settings.CACHE_RETRY_SECONDS  # one probe
        try:
            for hook in _recovery_hooks:
                hook(_Direct(self))
        except RedisError as error:
            breaker.failed(self._location, error)
            return False
        with breaker.lock:
            down_for = time.monotonic() - breaker.down_since
            breaker.down_since = None
        logger.warning("The cache at %s answers again after %.1f s.", self._location, down_for)
        return True

    get = _degrading(_default)(DjangoRedisCache.get)
    get_many = _degrading(lambda keys, version=None: {})(DjangoRedisCache.get_many)
    has_key = _degrading(lambda key, version=None: False)(DjangoRedisCache.has_key)
    set = _degrading(lambda *a, **k: None)(DjangoRedisCache.set)
    set_many = _degrading(lambda data, *a, **k: list(data))(DjangoRedisCache.set_many)
    add = _degrading(lambda *a, **k: True)(DjangoRedisCache.add)
    touch = _degrading(lambda *a, **k: False)(DjangoRedisCache.touch)
    delete = _degrading(lambda *a, **k: False)(DjangoRedisCache.delete)
    delete_many = _degrading(lambda *a, **k: None)(DjangoRedisCache.delete_many)
    incr = _degrading(_no_key)(DjangoRedisCache.incr)
    clear = _degrading(lambda *a, **k: None)(DjangoRedisCache.clear)


class _Direct:
    """The cache as recovery hooks use it: straight to Redis, failures raise."""

    def __init__(self, cache: RedisCache):
        self._cache_backend = cache

    def __getattr__(self, name):
        method = getattr(DjangoRedisCache, name)
        return functools.partial(method, self._cache_backend)
