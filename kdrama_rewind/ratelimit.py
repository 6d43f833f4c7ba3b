"""Rate limits per client address, counted in Django's cache.

Counts live in the shared cache (Redis in production), so every web process
sees the same numbers. Windows are fixed and aligned to the clock (a limit of
five an hour allows five from 10:00 to 10:59), which makes them cheap, the
same on every cache backend, and testable by moving the clock.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


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


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for each key."""

    scope: str
    limit: int
    window: int

    def _cache_key(self, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}:{int(time.time()) // self.window}"

    def hit(self, key: str) -> bool:
        """Count one hit for ``key``; False once the limit is passed."""
        cache_key = self._cache_key(key)
        cache.add(cache_key, 0, timeout=self.window)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=self.window)
            count = 1
        return count <= self.limit

    def exceeded(self, key: str) -> bool:
        """Whether ``key`` has used up this window's hits, without counting one."""
        return (cache.get(self._cache_key(key)) or 0) >= self.limit

    def retry_after(self) -> int:
        """Seconds until the current window ends."""
        return self.window - int(time.time()) % self.window
