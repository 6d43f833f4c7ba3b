"""The newsroom's admin site: Django's admin with a dashboard of what needs
each person as its home page, their notifications, and the settings saying
which notifications they want (``reviews.apps.NewsroomAdminConfig`` makes
it the default site)."""

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .dashboard import build_dashboard
from .models import Notification, NotificationKind, NotificationSettings

NOTIFICATIONS_PER_PAGE = 30


class NotificationSettingsForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Tell me when",
        help_text="Untick what you do not want to hear about, in the admin or by email.",
    )

    class Meta:
        model = NotificationSettings
        fields = ["kinds", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].initial = [
            kind for kind in NotificationKind.values if kind not in self.instance.muted
        ]

    def save(self, commit=True):
        chosen = set(self.cleaned_data["kinds"])
        self.instance.muted = [kind for kind in NotificationKind.values if kind not in chosen]
        return super().save(commit)


class NewsroomAdminSite(admin.AdminSite):
    index_template = "admin/dashboard.html"

    def index(self, request, extra_context=None):
        context = {"dashboard": build_dashboard(user=request.user), **(extra_context or {})}
        return super().index(request, context)

    def get_urls(self):
        return [
            path("notifications/", self.admin_view(self.notifications_view), name="notifications"),
            path(
                "notifications/<int:pk>/",
                self.admin_view(self.open_notification_view),
                name="notification_open",
            ),
            path(
                "notifications/read/",
                self.admin_view(require_POST(self.mark_read_view)),
                name="notifications_read",
            ),
            path(
                "notifications/settings/",
                self.admin_view(self.notification_settings_view),
                name="notification_settings",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {**self.each_context(request), "title": title, **extra}

    def notifications_view(self, request):
        mine = Notification.objects.filter(recipient=request.user).select_related("actor")
        page = Paginator(mine, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
        context = self._context(
            request,
            "Notifications",
            page_obj=page,
            unread=Notification.objects.filter(recipient=request.user).unread().exists(),
        )
        return TemplateResponse(request, "admin/notifications/list.html", context)

    def open_notification_view(self, request, pk):
        """Mark one of the user's notifications as read and go where it leads."""
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        target = notification.url
        if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            target = reverse("admin:notifications")
        return redirect(target)

    def mark_read_view(self, request):
        count = (
            Notification.objects.filter(recipient=request.user)
            .unread()
            .update(read_at=timezone.now())
        )
        messages.success(request, f"Marked {count} notification(s) as read.")
        return redirect(reverse("admin:notifications"))

    def notification_settings_view(self, request):
        settings = NotificationSettings.objects.filter(user=request.user).first()
        form = NotificationSettingsForm(
            request.POST or None, instance=settings or NotificationSettings(user=request.user)
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Your notification settings are saved.")
            return redirect(reverse("admin:notification_settings"))
        context = self._context(request, "My notification settings", form=form)
        return TemplateResponse(request, "admin/notifications/settings.html", context)
