from django.contrib import admin
from django.db.models import Count

from kdrama_rewind.images import thumbnail_html
from people.admin import ADMIN_MEDIA_CSS

from ..models import Character, Drama, Genre, Quote


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CharacterInline(admin.TabularInline):
    model = Character
    fields = ["name", "hangul_name", "played_by", "role", "billing"]
    autocomplete_fields = ["played_by"]
    extra = 0
    show_change_link = True


@admin.register(Drama)
class DramaAdmin(admin.ModelAdmin):
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


class QuoteInline(admin.TabularInline):
    model = Quote
    fields = ["text", "episode", "context"]
    extra = 0
    show_change_link = True


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ["name", "hangul_name", "drama", "played_by", "role", "quote_count"]
    list_filter = ["role"]
    list_select_related = ["drama", "played_by"]
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
class QuoteAdmin(admin.ModelAdmin):
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
