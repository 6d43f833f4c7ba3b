"""One site, whatever address it is reached at.

Flat pages (``django.contrib.flatpages``) need ``django.contrib.sites``
installed, and with it installed Django's feeds and sitemaps take their
domain from a ``Site`` row instead of from the request. This site serves the
same content at every host in ``ALLOWED_HOSTS`` and builds its absolute links
from the host a request came in on, so no ``SITE_ID`` is set, and the middleware
below gives Django's site lookup a ``Site`` made from the request's (already
validated) host, as ``RequestSite`` would be: no database query, no row to
keep in step with the domain.
"""

from django.conf import settings
from django.contrib.sites import models as sites

# Hosts remembered per process; past this (a wildcard in ALLOWED_HOSTS and
# many made-up hosts) the memory starts again.
MAX_HOSTS = 100


class RequestHostSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.get_host()  # raises DisallowedHost for a host not allowed
        known = sites.SITE_CACHE  # looked up each time: clear_cache() replaces it
        if host not in known:
            if len(known) >= MAX_HOSTS:
                known.clear()
            known[host] = sites.Site(domain=host, name=settings.SITE_NAME)
        return self.get_response(request)
