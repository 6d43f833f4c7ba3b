from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from kdrama_rewind.data.constraints import MOMENTS_MESSAGE, plausible_moment
from kdrama_rewind.media.admin_storage import StorageFaultAdminMixin
from kdrama_rewind.media.images import thumbnail_html
from kdrama_rewind.web.admin_lists import CheckedDateHierarchyMixin
from kdrama_rewind.web.admin_styles import ADMIN_MEDIA_CSS
from kdrama_rewind.web.admin_widgets import CheckedAutocompleteMixin

from .models import Author, Person, Subscriber


class PhotoPreviewMixin:
    """A read-only preview of the stored photo next to its upload field."""

    @admin.display(description="")
    def photo_thumbnail(self, obj):
        return thumbnail_html(obj.photo, alt=obj.photo_alt)

    @admin.display(description="Current photo")
    def photo_preview(self, obj):
        return thumbnail_html(obj.photo, alt=obj.photo_alt, width=240)


@admin.register(Person)
class PersonAdmin(StorageFaultAdminMixin, PhotoPreviewMixin, admin.ModelAdmin):
    list_display = ["photo_thumbnail", "name", "hangul_name", "slug", "modified_at"]
    list_display_links = ["name"]
    search_fields = ["name", "hangul_name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["photo_preview"]
    fieldsets = [
        (None, {"fields": ["name", "hangul_name", "aliases", "slug"]}),
        ("Photo", {"fields": ["photo", "photo_preview", "photo_alt"]}),
        ("About", {"fields": ["bio"]}),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS


@admin.register(Author)
class AuthorAdmin(
    CheckedAutocompleteMixin, StorageFaultAdminMixin, PhotoPreviewMixin, admin.ModelAdmin
):
    list_display = ["photo_thumbnail", "name", "job_title", "user"]
    list_display_links = ["name"]
    list_select_related = ["user"]
    search_fields = ["name", "job_title", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    readonly_fields = ["photo_preview"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "user"]}),
        ("Photo", {"fields": ["photo", "photo_preview", "photo_alt"]}),
        ("About", {"fields": ["bio"]}),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS


@admin.register(Subscriber)
class SubscriberAdmin(CheckedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["email", "subscribed_at"]
    search_fields = ["email"]
    date_hierarchy = "subscribed_at"
    readonly_fields = ["subscribed_at"]


class UserChangeForm(auth_forms.UserChangeForm):
    """Django's user form, its dates kept to ones a page can show."""

    def clean(self):
        cleaned = super().clean()
        for name in ("date_joined", "last_login"):
            moment = cleaned.get(name)
            if moment is not None and not plausible_moment(moment):
                self.add_error(name, ValidationError(f"Choose a date {MOMENTS_MESSAGE}."))
        return cleaned


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
