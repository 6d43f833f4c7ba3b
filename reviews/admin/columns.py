"""The column admin, with the Rewind desk's calendar of slots and its feed."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import permissions
from ..desk import assign_to_slot, build_calendar
from ..models import CalendarToken, Column, Review
from ..models.workflow import new_key
from ..services import TransitionError, cancel_schedule
from ..times import when, zone_phrase
from .shared import SharedThingAdminMixin, refusal

# The calendar plans years ahead at most (a slot past year 9999 cannot be shown).
PLANNING_HORIZON = timedelta(days=3653)


class SlotAssignmentForm(forms.Form):
    review = forms.ModelChoiceField(queryset=Review.objects.select_related("author"))
    column = forms.ModelChoiceField(queryset=Column.objects.all())
    at = forms.DateTimeField()
    remove = forms.BooleanField(required=False)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if abs(at - timezone.now()) > PLANNING_HORIZON:
            raise forms.ValidationError("Choose a slot within the next ten years.")
        return at


@admin.register(Column)
class ColumnAdmin(SharedThingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_featured", "cadence", "review_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]  # the review count's GROUP BY drops Meta.ordering
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "is_featured"]}),
        (
            "Cadence",
            {
                "fields": [
                    "cadence_weeks",
                    "cadence_weekday",
                    "cadence_time",
                    "cadence_starts_on",
                ],
                "description": "When the column runs; the desk calendar shows its slots.",
            },
        ),
    ]

    CADENCE = ("cadence_weeks", "cadence_weekday", "cadence_time", "cadence_starts_on")

    def plans_only(self, request, obj) -> bool:
        """Whether ``request``'s user may change only the column's cadence:
        the desk plans its slots while readers see it; its name, address and
        description stay an editor's, as for every shared thing a published
        or scheduled review shows."""
        return (
            obj is not None
            and permissions.can_schedule(request.user)
            and admin.ModelAdmin.has_change_permission(self, request, obj)
            and refusal(request, obj) is not None
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self.plans_only(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self.plans_only(request, obj):
            return [f for f in flatten_fieldsets(self.fieldsets) if f not in self.CADENCE]
        return super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        if self.plans_only(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def refusal_note(self, request, obj, reason):
        if self.plans_only(request, obj):
            return (
                reason.removesuffix("so only an editor can change it.")
                + "so only an editor can change its name, address or description; "
                "its cadence is the desk’s to plan."
            )
        return reason

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(review_count=Count("reviews"))

    @admin.display(description="reviews", ordering="review_count")
    def review_count(self, column):
        return column.review_count

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("calendar/", wrap(self.calendar_view), name="reviews_column_calendar"),
            path(
                "calendar/assign/",
                wrap(require_POST(self.assign_view)),
                name="reviews_column_calendar_assign",
            ),
            path(
                "calendar/feed/",
                wrap(require_POST(self.feed_token_view)),
                name="reviews_column_calendar_feed",
            ),
            *super().get_urls(),
        ]

    def calendar_view(self, request):
        if not permissions.can_view(request.user):
            raise PermissionDenied
        token = CalendarToken.objects.filter(user=request.user).first()
        candidates = (
            Review.objects.exclude(pk__in=Review.objects.published())
            .select_related("column")
            .order_by("title")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Rewind desk calendar",
            "calendars": build_calendar(),
            "candidates": candidates,
            "can_schedule": permissions.can_schedule(request.user),
            "feed_url": request.build_absolute_uri(token.get_absolute_url()) if token else "",
            "zone_phrase": zone_phrase(),
        }
        return TemplateResponse(request, "admin/reviews/column/calendar.html", context)

    def assign_view(self, request):
        if not permissions.can_schedule(request.user):
            raise PermissionDenied
        form = SlotAssignmentForm(request.POST)
        if not form.is_valid():
            self.message_user(request, form.errors.as_text(), messages.ERROR)
        else:
            review, column, at = (form.cleaned_data[k] for k in ("review", "column", "at"))
            try:
                if form.cleaned_data["remove"]:
                    cancel_schedule(review=review, by=request.user)
                    done = f"Took “{review}” off the calendar."
                else:
                    assign_to_slot(review=review, column=column, at=at, by=request.user)
                    review.refresh_from_db()
                    slot = when(at, zone=True)
                    if review.status in Review.APPROVED_STATUSES:
                        done = f"“{review}” is scheduled for {slot}."
                    else:
                        done = f"“{review}” is planned for {slot}; an editor must approve it."
            except TransitionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:reviews_column_calendar"))

    def feed_token_view(self, request):
        if not permissions.can_view(request.user):
            raise PermissionDenied
        _, made = CalendarToken.objects.update_or_create(
            user=request.user, defaults={"key": new_key()}
        )
        self.message_user(
            request,
            "Your calendar address is ready: subscribe to it in your calendar app."
            if made
            else "Your calendar address is new; the old one no longer works.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:reviews_column_calendar"))

    @admin.display(description="cadence")
    def cadence(self, column):
        if not column.has_cadence:
            return "—"
        every = "Weekly" if column.cadence_weeks == 1 else f"Every {column.cadence_weeks} weeks"
        return f"{every}, {column.get_cadence_weekday_display()} {column.cadence_time:%H:%M}"
