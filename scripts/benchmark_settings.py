"""The site's settings for scripts/benchmark and scripts/loadtest only
(``DJANGO_SETTINGS_MODULE=scripts.benchmark_settings``): production code
never loads this. Adds a minimal view to compare pages with
(``/_benchmark/baseline/``, in scripts/benchmark_urls.py) and each
response's SQL query count in an ``X-Query-Count`` header."""

from django.db import connections
from django.http import HttpResponse

from kdrama_rewind.settings import *  # noqa: F403
from kdrama_rewind.settings import MIDDLEWARE

MIDDLEWARE = ["scripts.benchmark_settings.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "scripts.benchmark_urls"


def baseline(request):
    """The least a Django page can do, through the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


class QueryCountMiddleware:
    """Adds ``X-Query-Count``: the SQL statements the request ran."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
