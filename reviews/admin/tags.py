import taggit.models
from django.contrib import admin
from django.db.models import Count

from ..models import Tag
from .shared import SharedThingAdminMixin

# Reviews use their own tag model; taggit's default one would only confuse editors.
admin.site.unregister(taggit.models.Tag)


@admin.register(Tag)
class TagAdmin(SharedThingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "review_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(review_count=Count("tagged_reviews"))

    @admin.display(description="reviews", ordering="review_count")
    def review_count(self, tag):
        return tag.review_count
