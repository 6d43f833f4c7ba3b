"""How long a cache in front of the site (Varnish, a CDN) may keep a public
page, said afresh on every response.

``kdrama_rewind.page_cache`` marks a public page ``Cache-Control: public,
max-age=N`` when it makes it, and serves the same headers from the page
cache afterwards, when the next scheduled moment may be nearer than N. This
middleware, just outside it, restates the lifetime at the moment the
response leaves:

- ``Surrogate-Control: max-age=S``, for the shared cache only (Varnish and
  CDNs read it and strip it): S is the page cache's own lifetime
  (``PAGE_CACHE_SECONDS``), cut short by the next scheduled moment. The
  shared cache can hold a page that long because it is purged by key after
  every change (``kdrama_rewind.purge``);
- ``Cache-Control: public, max-age=min(S, 60)`` for browsers, which are not
  purged;
- a page made while content changed (the generation moved on while it
  rendered) may show the old content and arrive after the purge: it goes
  out with ``max-age=0`` and ``Surrogate-Control: no-store``, so no cache
  keeps it.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control

from kdrama_rewind.page_cache import content_state

BROWSER_SECONDS = 60


class SharedCacheHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        made_in = getattr(request, "page_cache_generation", None)
        if made_in is None or not self.public(response):
            return response
        current, moment = content_state()
        seconds = settings.PAGE_CACHE_SECONDS
        if moment is not None:
            seconds = min(seconds, int((moment - timezone.now()).total_seconds()))
        if current != made_in or seconds <= 0:
            patch_cache_control(response, max_age=0)
            response["Surrogate-Control"] = "no-store"
        else:
            patch_cache_control(response, max_age=min(seconds, BROWSER_SECONDS))
            response["Surrogate-Control"] = f"max-age={seconds}"
        return response

    @staticmethod
    def public(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and "public" in cache_control
            and "private" not in cache_control
        )
