"""The desk calendar as an iCalendar feed, for staff members' calendar apps."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import View

from .desk import build_calendar, ics_feed
from .models import CalendarToken
from .permissions import can_view


class DeskCalendarFeedView(View):
    """The desk calendar as iCalendar, for a staff member's calendar app.
    The secret in the address stands in for a login."""

    def get(self, request, key):
        token = CalendarToken.for_address(key)
        user = token.user if token else None
        if user is None or not user.is_active or not user.is_staff or not can_view(user):
            raise Http404("No calendar here.")
        body = ics_feed(
            calendars=build_calendar(),
            base_url=request.build_absolute_uri("/").rstrip("/"),
            now=timezone.now(),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
