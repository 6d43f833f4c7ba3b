"""Request hygiene before any view runs.

A NUL character means nothing in an address or a search, and PostgreSQL
refuses it in text, so a query with one would fail deep in the database.
An address holding one names no page (404); query parameters lose theirs.
Forms need nothing here: Django's form fields refuse NUL with a message.
"""

from django.http import Http404, QueryDict

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
