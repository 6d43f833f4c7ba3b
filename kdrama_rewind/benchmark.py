"""What the benchmark (scripts/benchmark) needs from the site, switched on
only by ``DJANGO_BENCHMARK=1``: a minimal view to compare pages with, and
each response's SQL query count in a header."""

from django.db import connections
from django.http import HttpResponse


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
