from django import forms
from django.contrib import admin
from django.db.models import Count

from kdrama_rewind.media.admin_storage import StorageFaultAdminMixin
from kdrama_rewind.media.images import thumbnail_html
from kdrama_rewind.web.admin_styles import ADMIN_MEDIA_CSS
from kdrama_rewind.web.admin_widgets import CheckedAutocompleteMixin, CheckedAutocompleteSelect

from ..models import Character, Drama, Genre, Quote
from .shared import SharedInlineMixin, SharedThingAdminMixin


@admin.register(Genre)
class GenreAdmin(SharedThingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RowAutocompleteSelect(CheckedAutocompleteSelect):
    """An autocomplete for an inline row that labels its chosen option from the
    row's own object, where Django would run one query per row to find it."""

    chosen = None  # set per row by CastRowForm

    def optgroups(self, name, value, attr=None):
        chosen = self.chosen
        if chosen is None or {str(v) for v in value if v} != {str(chosen.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class CastRowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("played_by")
        if field is not None and self.instance.played_by_id:
            field.widget.widget.chosen = self.instance.played_by  # inside the +/✎ wrapper


class CharacterInline(SharedInlineMixin, admin.TabularInline):
    model = Character
    form = CastRowForm
    fields = ["name", "hangul_name", "played_by", "role", "billing"]
    autocomplete_fields = ["played_by"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # Each row links to its page (which names the drama) and shows its actor.
        return super().get_queryset(request).select_related("drama", "played_by")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "played_by":
            kwargs["widget"] = RowAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Drama)
class DramaAdmin(
    CheckedAutocompleteMixin, SharedThingAdminMixin, StorageFaultAdminMixin, admin.ModelAdmin
):
    list_display = ["poster_thumbnail", "title", "original_title", "year", "network", "episodes"]
    list_display_links = ["title"]
    list_filter = ["year", "network", "genres"]
    search_fields = ["title", "original_title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["genres"]
    readonly_fields = ["poster_preview"]
    inlines = [CharacterInline]
    fieldsets = [
        (None, {"fields": ["title", "original_title", "slug"]}),
        ("Broadcast", {"fields": ["year", "network", "episodes", "genres"]}),
        ("Poster", {"fields": ["poster", "poster_preview", "poster_alt"]}),
        ("Synopsis", {"fields": ["synopsis"]}),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS

    @admin.display(description="")
    def poster_thumbnail(self, drama):
        return thumbnail_html(drama.poster, alt=drama.poster_alt, width=48)

    @admin.display(description="Current poster")
    def poster_preview(self, drama):
        return thumbnail_html(drama.poster, alt=drama.poster_alt, width=200)


class QuoteInline(SharedInlineMixin, admin.TabularInline):
    model = Quote
    fields = ["text", "episode", "context"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # Each row links to its page, which is found through the character's drama.
        return super().get_queryset(request).select_related("character__drama")


@admin.register(Character)
class CharacterAdmin(CheckedAutocompleteMixin, SharedThingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "hangul_name", "drama", "played_by", "role", "quote_count"]
    list_filter = ["role"]
    list_select_related = ["drama", "played_by"]
    # Explicit, because the quote count's GROUP BY drops Meta.ordering and the
    # autocomplete would page through unordered rows.
    ordering = ["drama__title", "role", "billing", "name"]
    search_fields = ["name", "hangul_name", "aliases", "drama__title", "played_by__name"]
    autocomplete_fields = ["drama", "played_by"]
    inlines = [QuoteInline]
    fields = ["drama", "name", "hangul_name", "aliases", "played_by", "role", "billing"]

    def get_queryset(self, request):
        # __str__ names the drama; autocomplete results list it too.
        return (
            super()
            .get_queryset(request)
            .select_related("drama", "played_by")
            .annotate(quote_count=Count("quotes"))
        )

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, character):
        return character.quote_count


@admin.register(Quote)
class QuoteAdmin(CheckedAutocompleteMixin, SharedThingAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "character", "drama", "episode"]
    list_select_related = ["character__drama"]
    search_fields = ["text", "character__name", "character__drama__title"]
    autocomplete_fields = ["character"]
    fields = ["character", "text", "episode", "context"]

    def get_queryset(self, request):
        # __str__ names the character; autocomplete results list it too.
        return super().get_queryset(request).select_related("character__drama")

    @admin.display(ordering="character__drama__title")
    def drama(self, quote):
        return quote.character.drama.title
