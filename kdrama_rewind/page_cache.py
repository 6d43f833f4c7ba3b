"""Whole public pages, cached for anonymous readers, never stale.

Every cached page's key includes the site's content *generation*, a number
in the shared cache that any change to public content moves on once the
change has committed: publishing, unpublishing, editing, correcting or
renaming anything makes every cached page stale at once, in every process.
A page is never kept past the next moment something is due to appear by
itself (a scheduled review or update), so scheduled publishing stays exact.

Only views marked with ``public_page`` are cached, only for GET and HEAD
requests from anonymous readers, and only successful responses that set no
cookie. Staff and previews always get a fresh page.
"""

import functools
import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

GENERATION_KEY = "pages:generation"
NEXT_MOMENT_SECONDS = 60


def caching_enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and not isinstance(cache, DummyCache)


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


def next_moment() -> datetime | None:
    """When something next appears by itself: a scheduled review or update."""
    from reviews.models import Review, Revision

    key = f"pages:next-moment:{generation()}"
    cached = cache.get(key, default=False)
    if cached is False:
        upcoming = Review.objects.upcoming().order_by("published_at").first()
        update = Revision.objects.pending_updates().order_by("apply_at").first()
        moments = [m for m in (upcoming and upcoming.published_at, update and update.apply_at) if m]
        cached = min(moments) if moments else None
        cache.set(key, cached, NEXT_MOMENT_SECONDS)
    return cached


def lifetime() -> int:
    """Seconds a page may be kept: the setting, cut short by the next
    scheduled moment."""
    seconds = settings.PAGE_CACHE_SECONDS
    moment = next_moment()
    if moment is not None:
        seconds = min(seconds, int((moment - timezone.now()).total_seconds()))
    return max(seconds, 0)


def public_page(view):
    """Mark a view's successful responses as the same for every anonymous reader."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return wrapper


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = self.key(request)
        hit = cache.get(key)
        if hit is not None:
            return self.rebuild(hit)
        response = self.get_response(request)
        if self.cacheable_response(response):
            seconds = lifetime()
            if seconds > 0:
                patch_cache_control(response, public=True, max_age=min(seconds, 60))
                cache.set(key, self.freeze(response), seconds)
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        if request.method not in ("GET", "HEAD") or not caching_enabled():
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated

    @staticmethod
    def cacheable_response(response) -> bool:
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def key(request) -> str:
        address = f"{request.method}:{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        return f"pages:{generation()}:{digest}"

    @staticmethod
    def freeze(response) -> tuple:
        return response.status_code, list(response.items()), response.content

    @staticmethod
    def rebuild(frozen) -> HttpResponse:
        status, headers, content = frozen
        response = HttpResponse(content, status=status)
        for key, value in headers:
            response[key] = value
        return response
