"""Error pages. A database that cannot be reached (down, restarting, a
query over its time limit) is not a bug in a page: readers and editors get a
503 that says so and when to try again, fast, with no database work; the
next request connects afresh."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("kdrama_rewind.web.errors")
RETRY_AFTER_SECONDS = 30


FALLBACK = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
    "<h1>{title}</h1><p>Please try again in a minute.</p></html>"
)


def _page(template: str, title: str) -> str:
    """The error page, or a plain one if even that cannot be drawn (its
    stylesheet's entry missing from the static manifest, say)."""
    try:
        return loader.get_template(template).render()
    except Exception:
        logger.exception("The %s page could not be rendered", template)
        return FALLBACK.format(title=title)


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", error)
        response = HttpResponse(_page("503.html", "We’ll be back in a moment"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(_page("500.html", "Something went wrong on our side"))
