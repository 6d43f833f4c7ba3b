"""Telling an HTTP cache in front of the site (Varnish, a CDN) which pages to
drop: every public response names what it shows in its ``Surrogate-Key``
header (``review:12 drama:3 list:front`` …), and when content changes the
site sends those keys here once the change has committed.

``CACHE_PURGE_URL`` names the cache's purge address, or several separated by
commas (one per Varnish machine); empty, there is no cache in front and
nothing is sent. ``CACHE_PURGE_BACKEND`` is the dotted path of the class
that speaks the cache's language, made once per address:
:class:`VarnishPurger` (the default) sends ``PURGE /`` with the keys in an
``xkey-purge`` header, as ``deploy/varnish/default.vcl`` expects. A CDN's
purge API (Fastly's ``POST /service/{id}/purge`` with ``Surrogate-Key``,
Cloudflare's ``purge_cache`` with ``tags``) is another class with the same
``purge(keys)`` and ``purge_everything()`` methods.

The call is made in the request that committed the change, not in a task:
a purge to Varnish on the same network takes about a millisecond, where a
task queued in the database waits for the worker's next poll, so readers
would see the old page for longer. Every call is bounded (a quarter second
to connect, one second for an answer), and an address found unreachable is
skipped for five seconds, so a cache that is down costs an editor's save
at most one timeout every five seconds. Failures never reach the caller:
they are logged, at most once a minute per address, with how many were
lost, and the pages then expire by their own short lifetime.
"""

import http.client
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterable

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 0.25
ANSWER_TIMEOUT = 1.0
# Keys per request: Varnish refuses request headers over 8 KB
# (http_req_hdr_len); a key is about 15 bytes.
BATCH_BYTES = 4000
SKIP_AFTER_FAILURE = 5.0
LOG_EVERY = 60.0


class PurgeError(OSError):
    pass


class VarnishPurger:
    """``PURGE`` requests to one Varnish running ``deploy/varnish/default.vcl``."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"CACHE_PURGE_URL {url!r} is not an http:// or https:// address.")
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.path = parts.path or "/"

    def purge(self, keys: list[str]) -> int:
        """Drop every page carrying any of ``keys``; returns how many pages
        Varnish dropped. Raises ``OSError`` when it cannot."""
        requests = [("PURGE", {"xkey-purge": " ".join(batch)}) for batch in batches(keys)]
        return self._send(requests)

    def purge_everything(self) -> int:
        return self._send([("BAN", {})])

    def _send(self, requests) -> int:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = kind(self.host, self.port, timeout=CONNECT_TIMEOUT)
        dropped = 0
        try:
            connection.connect()
            connection.sock.settimeout(ANSWER_TIMEOUT)
            for method, headers in requests:
                connection.request(method, self.path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise PurgeError(f"answered {response.status} {response.reason}")
                dropped += int(response.headers.get("X-Purged") or 0)
        finally:
            connection.close()
        return dropped


def batches(keys: list[str]) -> Iterable[list[str]]:
    batch, size = [], 0
    for key in keys:
        if batch and size + len(key) + 1 > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(key)
        size += len(key) + 1
    if batch:
        yield batch


class _Target:
    """One purge address: its purger, and when it last failed."""

    def __init__(self, purger):
        self.purger = purger
        self.failed_at = float("-inf")
        self.logged_at = float("-inf")
        self.lost = 0


_lock = threading.Lock()
_targets: dict[tuple[str, str], list[_Target]] = {}


def _targets_for(urls: str, backend: str) -> list[_Target]:
    with _lock:
        found = _targets.get((urls, backend))
        if found is None:
            kind = import_string(backend)
            found = [_Target(kind(url.strip())) for url in urls.split(",") if url.strip()]
            _targets[urls, backend] = found
        return found


def purge_keys(keys: Iterable[str]) -> None:
    """Ask the cache in front to drop every page carrying any of ``keys``.
    Never raises: a cache in front that cannot be reached is logged, and its
    pages expire by their own short lifetime."""
    wanted = sorted({key for key in keys if key and not any(c.isspace() for c in key)})
    if wanted:
        _each_target(
            lambda purger: purger.purge(wanted), f"{len(wanted)} key(s) such as {wanted[0]}"
        )


def purge_everything() -> None:
    """Ask the cache in front to drop every page (after a bulk change whose
    keys are not worth listing). Never raises, like :func:`purge_keys`."""
    _each_target(lambda purger: purger.purge_everything(), "every page")


def _each_target(send, what: str) -> None:
    if not settings.CACHE_PURGE_URL:
        return
    try:
        targets = _targets_for(settings.CACHE_PURGE_URL, settings.CACHE_PURGE_BACKEND)
    except (ImportError, ValueError) as error:
        logger.error("Cache purge is misconfigured, nothing purged: %s", error)
        return
    for target in targets:
        now = time.monotonic()
        if now - target.failed_at < SKIP_AFTER_FAILURE:
            _lost(target, what, now, f"it failed less than {SKIP_AFTER_FAILURE:g} s ago")
            continue
        try:
            send(target.purger)
        except (OSError, http.client.HTTPException, ValueError) as error:
            target.failed_at = time.monotonic()
            _lost(target, what, target.failed_at, str(error) or type(error).__name__)


def _lost(target: _Target, what: str, now: float, why: str) -> None:
    target.lost += 1
    if now - target.logged_at >= LOG_EVERY:
        logger.warning(
            "Cache purge to %s failed (%s): %d purge(s) lost since the last report, "
            "this one of %s; those pages stay until they expire.",
            target.purger.url,
            why,
            target.lost,
            what,
        )
        target.logged_at, target.lost = now, 0
