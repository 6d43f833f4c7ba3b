"""Request hygiene before any view runs.

A request body larger than any form posts (an image at the upload limit and
the longest review, many times over) is refused before it is read: Django
writes an upload to a temporary file in full before a form can say it is
too big, so a 1 GB post filled the disk for nothing. Below the cap, an
image too big is refused by its form, with its size and the limit.

A NUL character means nothing in an address or a search, and PostgreSQL
refuses it in text, so a query with one would fail deep in the database.
An address holding one names no page (404); query parameters lose theirs.
Forms need nothing here: Django's form fields refuse NUL with a message.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, QueryDict

NUL = "\x00"


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            raise Http404("No page at this address.")
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace(NUL, ""), [v.replace(NUL, "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        if length > settings.REQUEST_MAX_BYTES:
            limit = settings.REQUEST_MAX_BYTES // (1024 * 1024)
            return HttpResponse(
                f"This request is too large to read (over {limit} MB). "
                f"An image may be up to {settings.IMAGE_MAX_BYTES // (1024 * 1024)} MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
