import taggit.models
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from kdrama_rewind.images import thumbnail_html
from people.admin import ADMIN_MEDIA_CSS

from ..models import Column, Quote, Review, Tag
from ..services import publish_review, unpublish_review

PUBLISH_PERMISSION = "reviews.publish_review"
STATUS_STYLES = {
    "Draft": "draft",
    "In review": "review",
    "Scheduled": "scheduled",
    "Published": "published",
}

# Reviews use their own tag model; taggit's default one would only confuse editors.
admin.site.unregister(taggit.models.Tag)


class ReviewAdminForm(forms.ModelForm):
    """Enforces on the server who may publish, whatever the browser sends."""

    user = None  # set per request by ReviewAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status and self.user and not self.user.has_perm(PUBLISH_PERMISSION):
            # Offer only what this user may choose, and the review's own status.
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value not in Review.LIVE_STATUSES or value == self.instance.status
            ]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        published_at = cleaned.get("published_at")
        if status == Review.Status.PUBLISHED and not published_at:
            cleaned["published_at"] = published_at = timezone.now()
        if status == Review.Status.SCHEDULED and not published_at:
            self.add_error("published_at", "Set a publish time to schedule this review.")
        if self.user is not None and not self.user.has_perm(PUBLISH_PERMISSION):
            self._check_publishing_unchanged(status, published_at)
        dramas, quotes = cleaned.get("dramas"), cleaned.get("quotes")
        if quotes is not None and dramas is not None:
            strays = [q for q in quotes if q.character.drama not in dramas]
            if strays:
                self.add_error(
                    "quotes",
                    "Pull quotes must come from the review’s dramas: "
                    + ", ".join(str(q) for q in strays),
                )
        return cleaned

    def _check_publishing_unchanged(self, status, published_at):
        original = self.instance
        was_live = original.pk is not None and original.status in Review.LIVE_STATUSES
        if status in Review.LIVE_STATUSES and status != original.status:
            self.add_error(
                "status",
                "You can’t publish or schedule reviews. Set the status to “In review” "
                "and an editor will publish it.",
            )
        elif was_live and status != original.status:
            self.add_error("status", "You can’t take a published or scheduled review down.")
        if was_live and published_at != original.published_at:
            self.add_error("published_at", "You can’t change the publish time of a live review.")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewAdminForm
    list_display = [
        "hero_thumbnail",
        "title",
        "status_badge",
        "author",
        "column",
        "published_at",
        "last_updated",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "column",
        ("author", admin.RelatedOnlyFieldListFilter),
        ("dramas", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["author", "column"]
    search_fields = ["title", "standfirst", "slug", "author__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "author",
        "column",
        "dramas",
        "featured_people",
        "quotes",
        "up_next_picks",
    ]
    readonly_fields = ["hero_preview", "last_edited_by", "created_at", "modified_at"]
    actions = ["publish_now", "move_to_draft"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "author", "column"]}),
        ("Body", {"fields": ["body"]}),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_preview", "hero_alt", "hero_caption", "hero_credit"]},
        ),
        ("Drama, people and quotes", {"fields": ["dramas", "featured_people", "quotes", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_at"]}),
        ("Up Next", {"fields": ["up_next_picks"], "classes": ["collapse"]}),
        (
            "Record",
            {"fields": ["last_edited_by", "created_at", "modified_at"], "classes": ["collapse"]},
        ),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # modelform_factory made a new class for this request
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "quotes":
            kwargs["queryset"] = Quote.objects.select_related("character__drama")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        author = getattr(request.user, "author", None)
        if author is not None:
            initial.setdefault("author", author.pk)
        return initial

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    @admin.display(description="status", ordering="status")
    def status_badge(self, review):
        state = review.state_label
        label = state
        if state == "Scheduled":
            label = f"Scheduled for {timezone.localtime(review.published_at):%d %b %Y, %H:%M}"
        return format_html(
            '<span class="kdr-status kdr-status--{}">{}</span>', STATUS_STYLES[state], label
        )

    @admin.display(description="last updated", ordering="updated_at")
    def last_updated(self, review):
        return review.last_updated

    @admin.display(description="")
    def hero_thumbnail(self, review):
        return thumbnail_html(review.hero_image, alt=review.hero_alt)

    @admin.display(description="Current image")
    def hero_preview(self, review):
        return thumbnail_html(review.hero_image, alt=review.hero_alt, width=320)

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        published = 0
        for review in queryset:
            publish_review(review=review, by=request.user)
            published += 1
        self.message_user(request, f"Published {published} review(s).", messages.SUCCESS)

    @admin.action(description="Move back to draft", permissions=["publish"])
    def move_to_draft(self, request, queryset):
        moved = 0
        for review in queryset:
            unpublish_review(review=review, by=request.user)
            moved += 1
        self.message_user(request, f"Moved {moved} review(s) back to draft.", messages.SUCCESS)


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_featured", "review_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(review_count=Count("reviews"))

    @admin.display(description="reviews", ordering="review_count")
    def review_count(self, column):
        return column.review_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "review_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(review_count=Count("tagged_reviews"))

    @admin.display(description="reviews", ordering="review_count")
    def review_count(self, tag):
        return tag.review_count
