"""Public pages and their costly parts, cached for readers, never stale.

Everything cached here records the dependency keys of what it shows
(``kdrama_rewind.caching.dependencies``): a change drops exactly the pages,
fragments and values that show what it changed, once it has committed, in
every process, and tells an HTTP cache in front the same keys. Nothing is
kept past the next moment something it shows appears by itself (a scheduled
review or update), so scheduled publishing stays exact.

Three levels, each usable without the others:

- whole pages (``PAGE_CACHE_SECONDS``): views marked ``public_page``, for
  GET and HEAD requests from anonymous readers, successful responses that
  set no cookie; staff and previews always get a fresh page. A page is
  kept under its scheme, host, path and the query parameters its view reads
  (``public_page(view, params=...)``); any other parameter is dropped
  before the view runs, so ``?utm_source=…`` gets the canonical page.
  Its response names its keys in ``Surrogate-Key`` and says whether it came
  from the cache in ``X-Page-Cache`` (``hit`` or ``miss``);
- template fragments (``FRAGMENT_CACHE_SECONDS``): the ``{% fragment %}``
  tag (``{% load fragments %}``), given ``fragment_context()``, for the
  parts of a page that are the same for every reader (an article, Up Next,
  a list of cards);
- remembered values (``remembered()``): counts, feed items, the public
  review at an address, under the same rules as fragments.

A cache that cannot be reached costs nothing but speed: pages are made from
the database and nothing is kept (``kdrama_rewind/caching/backend.py``).
"""

import functools
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_cache_control, set_response_etag

from kdrama_rewind.caching import purge
from kdrama_rewind.caching.backend import on_recovery
from kdrama_rewind.caching.dependencies import (
    EPOCH_KEY,
    collecting,
    compact,
    depends_on,
    forget_checked,
    invalidate_everything,
    lifetime,
    lookup,
    store,
)
from kdrama_rewind.caching.memory import one_reading
from kdrama_rewind.web.compression import compress_once

SURROGATE_KEY_HEADER = "Surrogate-Key"
# Readers asking for a page that a change has just dropped do not all make
# it: the first makes it and the others wait for it, looking every
# WAIT_STEP_SECONDS, for WAIT_SECONDS at most. Then they make it too, and
# take the claim over: a process killed while making a page holds up only
# the readers who asked in those WAIT_SECONDS. A claim nobody releases
# lapses after MAKING_SECONDS.
MAKING_SECONDS = 5
WAIT_SECONDS = 0.5
WAIT_STEP_SECONDS = 0.005


def page_caching_enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and not isinstance(caches["default"], DummyCache)


def fragment_caching_enabled() -> bool:
    return settings.FRAGMENT_CACHE_SECONDS > 0 and not isinstance(caches["default"], DummyCache)


def content_changed() -> None:
    """Make every cached page, fragment and value stale (a bulk load), here
    and in the HTTP cache in front."""
    invalidate_everything()
    purge.purge_everything()


def _drop_everything_after_an_outage(direct_cache) -> None:
    """Changes committed while the cache failed could not move their keys:
    every entry made before is stale."""
    forget_checked()
    try:
        direct_cache.incr(EPOCH_KEY)
    except ValueError:  # lost with everything else: nothing old to drop
        pass


on_recovery(_drop_everything_after_an_outage)


@dataclass(frozen=True)
class Fragments:
    """What ``{% fragment %}`` needs: how long to keep a fragment, and the
    site's address, which every fragment varies on (they hold absolute links)."""

    seconds: int
    scope: str


def fragment_context(request, *, cacheable: bool = True) -> dict:
    """The template context ``{% fragment %}`` needs. Not ``cacheable`` (a
    preview) or caching off: fragments are made afresh and never kept."""
    if not (cacheable and fragment_caching_enabled()):
        return {"fragments": None}
    scope = f"{request.scheme}://{request.get_host()}"
    return {"fragments": Fragments(settings.FRAGMENT_CACHE_SECONDS, scope)}


def kept(key: str, make, *, seconds: int, depends=()):
    """``make()``, kept under ``key`` for ``seconds`` with the keys of what it
    shows: what it loads, what it declares, and ``depends``."""
    found = lookup(key)
    if found.hit:
        return found.value
    with collecting() as collected:
        depends_on(*depends)
        value = make()
    store(key, value, collected.keys, found.started, seconds)
    return value


def remembered(key: str, compute, *, depends=()):
    """``compute()``, kept in the cache under ``key`` (any text: it is
    hashed) like a template fragment: until what it shows changes (what it
    loads, and the list keys in ``depends``), and never past the next moment
    something it shows appears by itself."""
    if not fragment_caching_enabled():
        depends_on(*depends)
        return compute()
    full_key = f"remembered:{hashlib.sha256(key.encode()).hexdigest()}"
    return kept(full_key, compute, seconds=settings.FRAGMENT_CACHE_SECONDS, depends=depends)


class PublicFragmentsMixin:
    """For a public view: give its template what ``{% fragment %}`` needs, and
    record the lists it shows (``list_keys``)."""

    def list_keys(self) -> list[str]:
        """The list keys of what the page lists (``list:tag:5``…)."""
        return []

    def get_context_data(self, **kwargs):
        depends_on(*self.list_keys())
        return super().get_context_data(**fragment_context(self.request), **kwargs)


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Mark a view whose successful responses are the same for every
    anonymous reader, given the query ``params`` it reads (others are
    dropped before it runs)."""
    if view is None:
        return functools.partial(public_page, params=params)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        # Rendered here, so everything the template loads is recorded.
        with collecting() as collected:
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response.render()
        response.dependency_keys = compact(collected.keys)
        return response

    wrapper.public_page = True
    wrapper.page_params = tuple(params)
    return wrapper


# Addresses longer than this (a review's longest slug is 300 characters)
# are resolved each time, not remembered: what is remembered stays small.
REMEMBERED_PATH_LENGTH = 320


def public_view(request):
    """What the request's path resolves to if its view is marked
    ``public_page``, else ``None``."""
    path, resolver = request.path_info, get_resolver(getattr(request, "urlconf", None))
    if len(path) > REMEMBERED_PATH_LENGTH:
        return _public_view.__wrapped__(path, resolver)
    return _public_view(path, resolver)


@functools.lru_cache(maxsize=2048)
def _public_view(path: str, resolver):
    # Once per path and resolver in each process: the URLconf does not
    # change, and a settings change makes a new resolver.
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    return match if getattr(match.func, "public_page", False) else None


def do_not_keep(request) -> None:
    """This response is right for this request but not to be kept (an
    address that only leads to another page's content)."""
    request.page_cache_key = None


def public_list(view):
    """``public_page`` for a paginated list: it reads ``?page=``."""
    return public_page(view, params=("page",))


class PublicPageCacheMiddleware:
    """Serves and keeps pages of views marked ``public_page``. A kept page is
    served as soon as its address is known to be such a view's, before the
    middleware listed after this one; other views never pay for the lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.respond(request)
        finally:
            making = getattr(request, "page_cache_making", None)
            if making is not None:
                cache.delete(making)  # kept or not: the others look again

    def respond(self, request):
        if self.cacheable_request(request):
            with one_reading():  # the page and its fragments: one check
                response = self.kept_page(request) or self.get_response(request)
        else:
            response = self.get_response(request)
        if getattr(response, "from_page_cache", False):
            response["X-Page-Cache"] = "hit"
            return response
        keys = getattr(response, "dependency_keys", None)
        if keys is None or not self.cacheable_request(request):
            return response
        if self.cacheable_response(response):
            if keys:
                response[SURROGATE_KEY_HEADER] = " ".join(keys)
            if hasattr(request, "page_cache_key"):
                response["X-Page-Cache"] = "miss"
            if getattr(request, "page_cache_key", None) is not None:
                self.keep(request, response, request.page_cache_key, keys)
        return response

    def keep(self, request, response, key, keys):
        seconds = lifetime(keys, settings.PAGE_CACHE_SECONDS)
        if seconds <= 0:
            return
        patch_cache_control(response, public=True, max_age=min(seconds, 60))
        set_response_etag(response)
        frozen = self.freeze(response)
        compress_once(frozen)  # for every reader who asks for it gzipped
        response.gzipped = getattr(frozen, "gzipped", None)  # and for this one
        started = request.page_cache_started
        if not store(key, frozen, keys, started, seconds) and started is not None:
            # Something it shows changed while it rendered: nothing may keep it.
            response["Cache-Control"] = "max-age=0"

    def kept_page(self, request) -> HttpResponse | None:
        """The page from the cache, found before the middleware inside this
        one and the view's own resolution run: a reader served a kept page
        pays for nothing else. A miss is taken up again in ``process_view``."""
        match = public_view(request)
        if match is None:
            return None
        request.resolver_match = match  # what the middleware outside reads
        self.keep_only_params(request, match.func.page_params)
        if not page_caching_enabled():
            return None
        key = request.page_cache_key = self.key(request)
        found = request.page_cache_lookup = lookup(key)
        request.page_cache_started = found.started
        return self.rebuild(found.value) if found.hit else None

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "public_page", False) or not self.cacheable_request(request):
            return None
        if not hasattr(request, "page_cache_lookup"):
            return None  # a page the cache is not used for (caching off)
        found = request.page_cache_lookup
        if not found.hit and found.started is not None and not self.start_making(request):
            found = self.wait_for(request)
        request.page_cache_started = found.started
        if found.hit:  # kept while this request waited for it
            return self.rebuild(found.value)
        return None

    @staticmethod
    def start_making(request) -> bool:
        """Whether this request makes the page (no other is making it)."""
        making = f"making:{request.page_cache_key}"
        if cache.add(making, 1, timeout=MAKING_SECONDS):
            request.page_cache_making = making
            return True
        return False

    def wait_for(self, request):
        """The page another request is making, once it is kept; a miss if it
        was not kept (it could not be) or took too long: this one makes it."""
        key, deadline = request.page_cache_key, time.monotonic() + WAIT_SECONDS
        while True:
            time.sleep(WAIT_STEP_SECONDS)
            still_making = cache.has_key(f"making:{key}")
            found = lookup(key)
            if found.hit or found.started is None:
                return found
            if not still_making or time.monotonic() >= deadline:
                # Made here now: later readers wait for this request.
                request.page_cache_making = f"making:{key}"
                cache.set(request.page_cache_making, 1, timeout=MAKING_SECONDS)
                return found

    @staticmethod
    def cacheable_request(request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated

    @staticmethod
    def cacheable_response(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def keep_only_params(request, params) -> None:
        """The view sees only the parameters it reads, in the order it
        declares them: the page it makes is the one kept for every spelling
        of its address."""
        query = QueryDict(mutable=True)
        for name in dict.fromkeys(params):
            if name in request.GET:
                query.setlist(name, request.GET.getlist(name))
        query._mutable = False
        request.GET = query
        request.META["QUERY_STRING"] = query.urlencode()

    @staticmethod
    def key(request) -> str:
        query = sorted(request.GET.lists())  # ?a=1&b=2 and ?b=2&a=1 alike
        address = f"{request.method}:{request.scheme}://{request.get_host()}{request.path}{query}"
        return f"pages:{hashlib.sha256(address.encode()).hexdigest()}"

    @staticmethod
    def freeze(response) -> HttpResponse:
        """What is kept of a page: its status, headers and content, in a
        response of its own (nothing of this request's), which comes back
        from the cache whole, its headers not checked again on every hit."""
        frozen = HttpResponse(response.content, status=response.status_code)
        for key, value in response.items():
            frozen[key] = value
        return frozen

    @staticmethod
    def rebuild(frozen: HttpResponse) -> HttpResponse:
        frozen.from_page_cache = True  # each hit unpickles its own copy
        return frozen
