"""``Age`` on pages served from the page cache, so a cache in front
(Varnish, a CDN, a browser) counts their lifetime from when they were made.

The page cache (``kdrama_rewind.caching.pages``) keeps a page with the headers
it was made with, ``Cache-Control: public, max-age=N`` among them, where N
never runs past the next scheduled moment *counted from then*. Served again
later without an ``Age``, the same N would let a cache in front keep the
page past that moment. HTTP's answer is ``Age``: a cache in front subtracts
it from ``max-age``. Two middlewares, either side of the page cache:

- :class:`MadeAtMiddleware`, inside it, stamps each page as it is made
  (the stamp is kept with the page, and comes back with it);
- :class:`AgeMiddleware`, outside it, turns the stamp into ``Age`` on
  every response that has one, and removes it.
"""

import time

MADE_AT = "X-Kdr-Made-At"


class MadeAtMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A page from the page cache comes back through here (its hook
        # answers before the view) with the stamp it was made with.
        if MADE_AT not in response:
            response[MADE_AT] = f"{time.time():.3f}"
        return response


class AgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        made_at = response.get(MADE_AT)
        if made_at is not None:
            del response[MADE_AT]
            age = round(time.time() - float(made_at))
            if age > 0 and "max-age" in response.get("Cache-Control", ""):
                response["Age"] = str(age)
        return response
