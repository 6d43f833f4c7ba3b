"""The review admin: the form (saved through the editing service), its
inlines, the list with its state filter, and the list's actions."""

import logging

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from kdrama_rewind.media.admin_storage import StorageFaultAdminMixin
from kdrama_rewind.media.images import thumbnail_html
from kdrama_rewind.web.admin_lists import CheckedDateHierarchyMixin
from kdrama_rewind.web.admin_styles import ADMIN_MEDIA_CSS
from kdrama_rewind.web.admin_widgets import CheckedAutocompleteMixin

from .. import permissions
from ..models import (
    Correction,
    Drama,
    PreviewLink,
    Quote,
    Review,
    UploadStash,
)
from ..services import (
    EditConflict,
    TransitionError,
    approve_review,
    cancel_schedule,
    edit_review,
    publish_review,
    submit_for_review,
    unpublish_review,
)
from ..status import State
from ..times import when
from .discussion import DiscussionAdminMixin, refusal_text
from .forms import ReviewAdminForm
from .history import ReviewHistoryMixin
from .inlines import CorrectionInline, PreviewLinkInline
from .writing import WritingDeskMixin


class StateFilter(admin.SimpleListFilter):
    """Where reviews stand now: a scheduled review whose time has come is live."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


logger = logging.getLogger(__name__)


class RecentDramaFilter(admin.RelatedFieldListFilter):
    """By drama: the dramas of the newest ``RECENT`` reviews, and the one
    chosen. Every drama with a review, thousands in a large archive, made a
    list nobody could use and took half a second to draw at 100,000
    reviews; any other drama can still be chosen by address
    (``?dramas__id__exact=<id>``)."""

    RECENT = 200

    def field_choices(self, field, request, model_admin):
        newest = Review.objects.order_by("-published_at", "-id").values("pk")[: self.RECENT]
        wanted = Q(reviews__in=newest)
        if self.lookup_val:
            wanted |= Q(pk__in=[value for value in self.lookup_val if value.isdigit()])
        dramas = Drama.objects.filter(wanted).distinct().only("title", "year")
        return [(drama.pk, str(drama)) for drama in dramas.order_by("title", "pk")]


@admin.register(Review)
class ReviewAdmin(
    CheckedAutocompleteMixin,
    CheckedDateHierarchyMixin,
    ReviewHistoryMixin,
    WritingDeskMixin,
    DiscussionAdminMixin,
    StorageFaultAdminMixin,
    admin.ModelAdmin,
):
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
        StateFilter,
        "column",
        ("author", admin.RelatedOnlyFieldListFilter),
        ("dramas", RecentDramaFilter),
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
    inlines = [CorrectionInline, PreviewLinkInline]
    actions = [
        "submit_selected",
        "approve_selected",
        "publish_now",
        "cancel_schedules",
        "move_to_draft",
    ]

    class Media:
        css = ADMIN_MEDIA_CSS

    def get_fieldsets(self, request, obj=None):
        publishing = ["status", "published_at", "updated_at", "minor_edit"]
        if obj is not None and obj.is_published() and permissions.can_schedule(request.user):
            publishing.append("update_at")
        return [
            (
                None,
                {
                    "fields": [
                        "confirm_names",
                        "overwrite",
                        "title",
                        "slug",
                        "standfirst",
                        "author",
                        "column",
                        "opened_version",
                        "seen_version",
                    ]
                },
            ),
            ("Body", {"fields": ["body"], "classes": ["kdr-writing"]}),
            (
                "Hero image",
                {
                    "fields": [
                        "hero_image",
                        "hero_preview",
                        ("hero_focus_x", "hero_focus_y"),
                        "hero_alt",
                        "hero_caption",
                        "hero_credit",
                    ]
                },
            ),
            (
                "Drama, people and quotes",
                {"fields": ["dramas", "featured_people", "quotes", "tags"]},
            ),
            ("Publishing", {"fields": publishing}),
            ("Up Next", {"fields": ["up_next_picks"], "classes": ["collapse"]}),
            (
                "Record",
                {
                    "fields": ["last_edited_by", "created_at", "modified_at"],
                    "classes": ["collapse"],
                },
            ),
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "quotes":
            kwargs["queryset"] = Quote.objects.select_related(
                "character__drama", "character__played_by"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        author = getattr(request.user, "author", None)
        if author is not None:
            initial.setdefault("author", author.pk)
        return initial

    # -------------------------------------------------------------- permissions

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        """A published or scheduled review is taken down (on the record)
        before it can be deleted."""
        if obj is not None and obj.is_approved:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user)

    def has_schedule_permission(self, request):
        return permissions.can_schedule(request.user)

    # -------------------------------------------------------------- saving
    # The form only validates; one call of the editing service saves the
    # review, its links, tags and corrections, in save_related (where the
    # inline formsets are at hand). save_model has nothing left to do.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (EditConflict, TransitionError, ValidationError) as refusal:
            if request.method != "POST" or hasattr(request, "edit_refusal"):
                raise
            # Someone saved (or moved the review) between this form's checks
            # and its save; nothing was saved. Show the form again: its
            # checks now see what happened and say so.
            request.edit_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # modelform_factory made a new class for this request
        refusal = getattr(request, "edit_refusal", None)
        if refusal is None:
            return form

        class Refused(form):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    raise ValidationError(refusal_text(refusal))
                return cleaned

        return Refused

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        by_model = {formset.model: formset for formset in formsets}
        data = form.cleaned_data
        result = edit_review(
            review=form.instance,
            edit=form.review_edit(by_model.get(Correction)),
            by=request.user,
            via="the review form",
            based_on=data.get("opened_version") if change else None,
            seen_version=data.get("seen_version") if data.get("overwrite") else None,
            apply_at=data.get("update_at"),
        )
        request.edit_result = result
        self.forget_autosave(request, form.instance if change else None)
        if Correction in by_model:  # saved above; the admin's log reads these
            formset = by_model[Correction]
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if form.stash is not None and form.cleaned_data.get("hero_image") is not None:
            transaction.on_commit(form.stash.discard)
        if PreviewLink in by_model:
            self.save_formset(request, form, by_model[PreviewLink], change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        upload = form.cleaned_data.get("hero_image") if form.is_bound and form.errors else None
        if isinstance(upload, UploadedFile) and not getattr(upload, "_committed", False):
            # The form came back with a question: keep the chosen image for the next try.
            try:
                form.stash = UploadStash.keep(user=request.user, upload=upload)
            except OSError:
                logger.warning("Could not keep an upload for the next try", exc_info=True)
                return super().render_change_form(request, context, add, change, form_url, obj)
            data = form.data.copy()
            data[form.add_prefix("hero_stash")] = form.stash.token
            form.data = data
            form.announce_stash()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PreviewLink:
            return  # corrections are saved with the review, by the editing service
        for link_form in formset.forms:
            link = link_form.instance
            if link_form.cleaned_data.get("revoke") and link.pk and not link.revoked_at:
                link.revoked_at = timezone.now()
            if not link.pk:
                link.created_by = request.user
        formset.save()

    def response_change(self, request, obj):
        result = getattr(request, "edit_result", None)
        if result is None or (result.changed and result.scheduled_update is None):
            return super().response_change(request, obj)
        if result.scheduled_update is not None:
            at = when(result.scheduled_update.apply_at, zone=True)
            self.message_user(
                request,
                f"Your changes to “{obj}” are scheduled for {at}. "
                "Readers see the review as it was until then.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:reviews_review_history", args=[obj.pk]))
        self.message_user(
            request, f"Nothing was changed in “{obj}”, so nothing was saved.", messages.INFO
        )
        if "_continue" in request.POST:
            return redirect(reverse("admin:reviews_review_change", args=[obj.pk]))
        return redirect(reverse("admin:reviews_review_changelist"))

    def log_change(self, request, obj, message):
        result = getattr(request, "edit_result", None)
        if result is not None and not result.changed:
            return None  # nothing changed, or the change waits for its time
        return super().log_change(request, obj, message)

    # -------------------------------------------------------------- list display

    @admin.display(description="state", ordering="status")
    def status_badge(self, review):
        state = review.state
        label = state.label
        if review.published_at and state in (State.SCHEDULED, State.DRAFT, State.REVIEW):
            label = f"{label} for {when(review.published_at)}"
            if state != State.SCHEDULED:
                label = f"{state.label}, planned for {when(review.published_at)}"
        elif state == State.TAKEN_DOWN:
            label = f"{label} {when(review.taken_down_at)}"
        return format_html('<span class="kdr-status kdr-status--{}">{}</span>', state, label)

    @admin.display(description="last updated", ordering="updated_at")
    def last_updated(self, review):
        return review.last_updated

    @admin.display(description="")
    def hero_thumbnail(self, review):
        return thumbnail_html(review.hero_image, alt=review.hero_alt)

    @admin.display(description="Current image")
    def hero_preview(self, review):
        if not getattr(review.hero_image, "_committed", True):
            return ""  # an image offered with this form, not stored yet: said by its field
        return thumbnail_html(review.hero_image, alt=review.hero_alt, width=320)

    # -------------------------------------------------------------- actions

    def _move_each(self, request, queryset, move, done: str):
        moved, refused = 0, []
        for review in queryset.select_related("author"):
            try:
                move(review=review, by=request.user)
            except TransitionError as error:
                refused.append(f"“{review}”: {error}")
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{done} {moved} review(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)

    @admin.action(description="Send for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._move_each(request, queryset, submit_for_review, "Sent for review:")

    @admin.action(description="Approve (scheduled or published)", permissions=["publish"])
    def approve_selected(self, request, queryset):
        self._move_each(request, queryset, approve_review, "Approved")

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._move_each(
            request,
            queryset,
            lambda review, by: publish_review(review=review, by=by, at=timezone.now()),
            "Published",
        )

    @admin.action(description="Cancel schedule", permissions=["schedule"])
    def cancel_schedules(self, request, queryset):
        self._move_each(request, queryset, cancel_schedule, "Took off the schedule:")

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def move_to_draft(self, request, queryset):
        self._move_each(request, queryset, unpublish_review, "Moved back to draft:")
