from django import forms
from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.urls import Resolver404, resolve

from kdrama_rewind.data.text import many_lines, one_line

from ..pages import EditorialPageView, default_site

admin.site.unregister(FlatPage)


class EditorialPageForm(FlatpageForm):
    class Meta:
        model = FlatPage
        fields = ["url", "title", "content", "registration_required"]
        help_texts = {
            "content": "Markdown, as in a review’s body: blank lines between paragraphs, "
            "## subheadings, [links](https://…). Linked from the footer when the address "
            "is /about/, /contact/, /corrections-policy/, /privacy/ or /terms/.",
            "registration_required": "Only signed-in staff can see the page.",
        }

    # Django's page model is not ours to extend: its texts follow the
    # site's rule here (``kdrama_rewind.data.text``).
    def clean_title(self):
        return one_line(self.cleaned_data["title"])

    def clean_content(self):
        return many_lines(self.cleaned_data["content"])

    def clean_url(self):
        url = super().clean_url()
        try:
            match = resolve(url)
        except Resolver404:
            match = None
        if match is None or getattr(match.func, "view_class", None) is not EditorialPageView:
            raise forms.ValidationError(
                "Another page of the site already answers at %(url)s; choose another address.",
                code="taken",
                params={"url": url},
            )
        return url

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        url = cleaned.get("url")
        if url and FlatPage.objects.filter(url=url).exclude(pk=self.instance.pk).exists():
            self.add_error("url", "There is already a page at this address.")
        return cleaned


@admin.register(FlatPage)
class EditorialPageAdmin(FlatPageAdmin):
    form = EditorialPageForm
    fieldsets = [
        (None, {"fields": ["url", "title", "content"]}),
        ("Advanced options", {"classes": ["collapse"], "fields": ["registration_required"]}),
    ]
    list_display = ["title", "url"]
    list_filter = ["registration_required"]
    search_fields = ["url", "title", "content"]
    ordering = ["url"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.sites.exists():
            form.instance.sites.add(default_site())
