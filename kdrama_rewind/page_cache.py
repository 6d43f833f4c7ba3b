"""Public pages and their costly parts, cached for readers, never stale.

Everything cached here is tied to the site's content *generation*, a number
in the shared cache that any change to public content moves on once the
change has committed: publishing, unpublishing, editing, correcting or
renaming anything makes every cached page, fragment and remembered value
stale at once, in every process. Nothing is kept past the next moment
something is due to appear by itself (a scheduled review or update), so
scheduled publishing stays exact.

Three levels, each usable without the others:

- whole pages (``PAGE_CACHE_SECONDS``): views marked ``public_page``, for
  GET and HEAD requests from anonymous readers, successful responses that
  set no cookie; staff and previews always get a fresh page;
- template fragments (``FRAGMENT_CACHE_SECONDS``): Django's ``{% cache %}``
  tag, given ``fragment_context()``, for the parts of a page that are the
  same for every reader (an article, Up Next, a list of cards);
- remembered values (``remembered()``): counts, feed items, the public
  review at an address, under the same rules as fragments.
"""

import functools
import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

GENERATION_KEY = "pages:generation"
NEXT_MOMENT_KEY = "pages:next-moment"
NEXT_MOMENT_SECONDS = 60


def page_caching_enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and not isinstance(caches["default"], DummyCache)


def fragment_caching_enabled() -> bool:
    return settings.FRAGMENT_CACHE_SECONDS > 0 and not isinstance(caches["default"], DummyCache)


def generation() -> int:
    """The current content generation (it starts from the clock, so a cache
    that lost it never reuses an old number)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def content_changed() -> None:
    """Make every cached page stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there: any new number will do
        cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)


def content_changed_on_commit(**kwargs) -> None:
    transaction.on_commit(content_changed)


def connect_invalidation(models) -> None:
    """Any write to these models, and to their many-to-many links, makes
    cached pages stale after it commits."""
    for model in models:
        uid = f"page-cache-{model._meta.label}"
        post_save.connect(content_changed_on_commit, sender=model, dispatch_uid=uid)
        post_delete.connect(content_changed_on_commit, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                content_changed_on_commit, sender=through, dispatch_uid=f"{uid}-{field.name}"
            )


def fragment_context(request, *, cacheable: bool = True) -> dict:
    """What a template's ``{% cache %}`` fragments need: how long to keep
    them (never past the next scheduled moment), which cache to use and
    ``fragment_scope``, which every fragment varies on: the content
    generation and the site's address (fragments hold absolute links).
    Not ``cacheable`` (a preview) or caching off: nothing is kept or reused.
    """
    if not (cacheable and fragment_caching_enabled()):
        return {"fragment_seconds": 0, "fragment_cache": "bypass", "fragment_scope": ""}
    current, moment = content_state()
    return {
        "fragment_seconds": _until(moment, settings.FRAGMENT_CACHE_SECONDS),
        "fragment_cache": "default",
        "fragment_scope": f"{current}:{request.scheme}://{request.get_host()}",
    }


def remembered(key: str, compute):
    """``compute()``, kept in the cache under ``key`` (any text: it is
    hashed) like a template fragment: until anything changes, and never past
    the next scheduled moment."""
    if not fragment_caching_enabled():
        return compute()
    current, moment = content_state()
    full_key = f"remembered:{current}:{hashlib.sha256(key.encode()).hexdigest()}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, _until(moment, settings.FRAGMENT_CACHE_SECONDS))
    return value


class PublicFragmentsMixin:
    """For a public view: give its template what ``{% cache %}`` fragments need."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**fragment_context(self.request), **kwargs)


def content_state() -> tuple[int, datetime | None]:
    """The content generation and the next moment something appears by itself
    (a scheduled review or update), in one round trip to the cache. The
    moment is worked out again once a minute and whenever content changes."""
    found = cache.get_many([GENERATION_KEY, NEXT_MOMENT_KEY])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    worked_out = found.get(NEXT_MOMENT_KEY)
    if worked_out is not None and worked_out[0] == current:
        moment = worked_out[1]
        if moment is None or moment > timezone.now():
            return current, moment
    moment = _next_moment()
    cache.set(NEXT_MOMENT_KEY, (current, moment), NEXT_MOMENT_SECONDS)
    return current, moment


def _next_moment() -> datetime | None:
    from reviews.models import Review, Revision

    upcoming = Review.objects.upcoming().order_by("published_at").first()
    update = Revision.objects.pending_updates().order_by("apply_at").first()
    moments = [m for m in (upcoming and upcoming.published_at, update and update.apply_at) if m]
    return min(moments) if moments else None


def _until(moment: datetime | None, seconds: int) -> int:
    if moment is not None:
        seconds = min(seconds, int((moment - timezone.now()).total_seconds()))
    return max(seconds, 0)


def lifetime(seconds: int | None = None) -> int:
    """Seconds a page (or ``seconds`` for a fragment) may be kept, cut short
    by the next scheduled moment."""
    seconds = settings.PAGE_CACHE_SECONDS if seconds is None else seconds
    return _until(content_state()[1], seconds)


def public_page(view):
    """Mark a view whose successful responses are the same for every anonymous reader."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.public_page = True
    return wrapper


class PublicPageCacheMiddleware:
    """Serves and keeps pages of views marked ``public_page``. The cache is
    looked up once the address is resolved, so other views never pay for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "page_cache_key", None)
        if key and not getattr(response, "from_page_cache", False):
            if self.cacheable_response(response):
                seconds = lifetime()
                if seconds > 0:
                    patch_cache_control(response, public=True, max_age=min(seconds, 60))
                    set_response_etag(response)
                    # Kept with the generation it was made in: a change made
                    # while it rendered leaves it stale, not served.
                    frozen = (request.page_cache_generation, self.freeze(response))
                    cache.set(key, frozen, seconds)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "public_page", False) or not self.cacheable_request(request):
            return None
        key = request.page_cache_key = self.key(request)
        found = cache.get_many([GENERATION_KEY, key])  # one round trip
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()
        request.page_cache_generation = current
        hit = found.get(key)
        if hit is not None and hit[0] == current:
            return self.rebuild(hit[1])
        return None

    @staticmethod
    def cacheable_request(request) -> bool:
        if request.method not in ("GET", "HEAD") or not page_caching_enabled():
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
    def key(request) -> str:
        address = f"{request.method}:{request.get_host()}{request.get_full_path()}"
        return f"pages:{hashlib.sha256(address.encode()).hexdigest()}"

    @staticmethod
    def freeze(response) -> tuple:
        return response.status_code, list(response.items()), response.content

    @staticmethod
    def rebuild(frozen) -> HttpResponse:
        status, headers, content = frozen
        response = HttpResponse(content, status=status)
        for key, value in headers:
            response[key] = value
        response.from_page_cache = True
        return response
