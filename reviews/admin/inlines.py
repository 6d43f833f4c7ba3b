"""The review form's inlines: notes to readers and shareable preview links."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from ..models import Correction, PreviewLink
from ..times import when

PREVIEW_DAYS = 7


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["kind", "noted_at", "text"]
    extra = 0
    verbose_name = "correction, clarification or update"


PREVIEW_HORIZON = timedelta(days=366)


class PreviewLinkForm(forms.ModelForm):
    revoke = forms.BooleanField(required=False, help_text="The link stops working at once.")

    class Meta:
        model = PreviewLink
        fields = ["expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["expires_at"].initial = timezone.now() + timedelta(days=PREVIEW_DAYS)
        elif self.instance.revoked_at is not None:
            # A revoked link stays revoked: its row is shown, not edited.
            for field in self.fields.values():
                field.disabled = True

    def clean_expires_at(self):
        expires = self.cleaned_data["expires_at"]
        # A time shown back in the newsroom's zone must exist (year 1 did not).
        if "expires_at" in self.changed_data and abs(expires - timezone.now()) > PREVIEW_HORIZON:
            raise forms.ValidationError("Choose a time within a year from now.")
        return expires


class PreviewLinkInline(admin.TabularInline):
    model = PreviewLink
    form = PreviewLinkForm
    fields = ["address", "expires_at", "revoke", "created_by", "revoked_at"]
    readonly_fields = ["address", "created_by", "revoked_at"]
    extra = 0
    can_delete = False
    verbose_name = "shareable preview link"
    verbose_name_plural = "shareable preview links (for readers without an account)"

    @admin.display(description="address")
    def address(self, link):
        if not link.pk:
            return "Made when the review is saved"
        url = settings.SITE_URL + link.get_absolute_url()
        if link.revoked_at is not None:
            state = f"revoked {when(link.revoked_at)}"
        elif not link.is_usable():
            state = f"expired {when(link.expires_at)}"
        else:
            state = f"works until {when(link.expires_at)}"
        return format_html(
            '<input type="text" class="vTextField kdr-copy__address" readonly value="{}" '
            'aria-label="Preview link address"> <span class="kdr-copy__state">{}</span>',
            url,
            state,
        )
