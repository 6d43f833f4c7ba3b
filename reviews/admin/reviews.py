import logging
from datetime import timedelta

import taggit.models
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from kdrama_rewind.admin_storage import StorageFaultAdminMixin
from kdrama_rewind.images import thumbnail_html
from people.admin import ADMIN_MEDIA_CSS

from .. import permissions
from ..desk import assign_to_slot, build_calendar
from ..models import (
    CalendarToken,
    Column,
    Correction,
    PreviewLink,
    Quote,
    Review,
    Revision,
    Tag,
    UploadStash,
)
from ..models.workflow import new_key
from ..names import name_warnings, review_texts, undismissed
from ..services import (
    EditConflict,
    TransitionError,
    approve_review,
    cancel_schedule,
    cancel_update,
    edit_review,
    publish_review,
    release_address,
    restore_revision,
    submit_for_review,
    unpublish_review,
)
from ..services.revisions import compare
from ..status import State
from ..times import newsroom, when, zone_phrase
from .discussion import DiscussionAdminMixin, history_threads
from .forms import ReviewAdminForm
from .shared import SharedThingAdminMixin
from .writing import WritingDeskMixin


def refusal_message(refusal) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


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


PREVIEW_DAYS = 7
logger = logging.getLogger(__name__)

# Reviews use their own tag model; taggit's default one would only confuse editors.
admin.site.unregister(taggit.models.Tag)


class SlotAssignmentForm(forms.Form):
    review = forms.ModelChoiceField(queryset=Review.objects.select_related("author"))
    column = forms.ModelChoiceField(queryset=Column.objects.all())
    at = forms.DateTimeField()
    remove = forms.BooleanField(required=False)


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["kind", "noted_at", "text"]
    extra = 0
    verbose_name = "correction, clarification or update"


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


@admin.register(Review)
class ReviewAdmin(WritingDeskMixin, DiscussionAdminMixin, StorageFaultAdminMixin, admin.ModelAdmin):
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
                    raise ValidationError(refusal_message(refusal))
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

    # -------------------------------------------------------------- history

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name="reviews_review_compare",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/",
                wrap(self.revision_view),
                name="reviews_review_revision",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                wrap(require_POST(self.restore_view)),
                name="reviews_review_restore",
            ),
            path(
                "<path:object_id>/history/addresses/<int:redirect_id>/release/",
                wrap(require_POST(self.release_address_view)),
                name="reviews_review_release_address",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/cancel/",
                wrap(require_POST(self.cancel_update_view)),
                name="reviews_review_cancel_update",
            ),
            *super().get_urls(),
        ]

    def _review_for(self, request, object_id) -> Review:
        try:
            review = get_object_or_404(Review.objects.select_related("author"), pk=object_id)
        except ValueError:  # not an id at all, e.g. "<id>/change/history/"
            raise Http404 from None
        if not self.has_view_or_change_permission(request, review):
            raise PermissionDenied
        return review

    def _context(self, request, review, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": review,
            "review": review,
            "can_edit": permissions.can_edit(request.user, review),
            "can_schedule": permissions.can_schedule(request.user),
            "zone_phrase": zone_phrase(),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        review = self._review_for(request, object_id)
        revisions = list(review.revisions.select_related("created_by"))
        context = self._context(
            request,
            review,
            title=f"History of “{review}”",
            revisions=revisions,
            threads=history_threads(request.user, review, revisions),
            old_addresses=review.slug_redirects.order_by("old_slug"),
            can_release=permissions.can_publish(request.user),
        )
        return TemplateResponse(request, "admin/reviews/review/history.html", context)

    def revision_view(self, request, object_id, revision_id):
        review = self._review_for(request, object_id)
        revision = get_object_or_404(review.revisions.select_related("created_by"), pk=revision_id)
        previous = None
        if not revision.is_note:
            previous = (
                review.revisions.snapshots()
                .filter(created_at__lt=revision.created_at)
                .select_related("created_by")
                .first()
            )
        changes = compare(previous.snapshot, revision.snapshot) if previous else []
        context = self._context(
            request,
            review,
            title=f"{revision} — {review}",
            revision=revision,
            previous=previous,
            changes=changes,
        )
        return TemplateResponse(request, "admin/reviews/review/revision.html", context)

    def compare_view(self, request, object_id):
        review = self._review_for(request, object_id)
        revisions = review.revisions.select_related("created_by")
        try:
            a = revisions.get(pk=int(request.GET.get("a", "")))
            b = revisions.get(pk=int(request.GET.get("b", "")))
        except (ValueError, Revision.DoesNotExist):
            self.message_user(
                request, "Choose two revisions of this review to compare.", messages.ERROR
            )
            return redirect(reverse("admin:reviews_review_history", args=[review.pk]))
        if a.created_at > b.created_at:
            a, b = b, a
        context = self._context(
            request,
            review,
            title=f"Comparing two versions of “{review}”",
            a=a,
            b=b,
            changes=compare(a.snapshot, b.snapshot),
        )
        return TemplateResponse(request, "admin/reviews/review/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        review = self._review_for(request, object_id)
        if not permissions.can_edit(request.user, review):
            raise PermissionDenied
        revision = get_object_or_404(review.revisions.snapshots(), pk=revision_id)
        history = redirect(reverse("admin:reviews_review_history", args=[review.pk]))
        try:
            based_on = int(request.POST.get("version", ""))
        except ValueError:
            self.message_user(
                request, "Open the history again and restore from there.", messages.ERROR
            )
            return history
        data = revision.snapshot
        texts = review_texts(title=data["title"], standfirst=data["standfirst"], body=data["body"])
        warnings = undismissed(
            name_warnings(texts=texts, drama_ids={pk for pk, _ in data["dramas"]}),
            review.name_checks_dismissed,
        )
        if warnings and not request.POST.get("confirm_names"):
            context = self._context(
                request,
                review,
                title=f"Restore the version of {newsroom(revision.created_at):%d %b %Y}?",
                revision=revision,
                warnings=warnings,
                version=based_on,
            )
            return TemplateResponse(request, "admin/reviews/review/restore_confirm.html", context)
        try:
            restored = restore_revision(
                review=review,
                revision=revision,
                by=request.user,
                based_on=based_on,
                confirmed_names=warnings,
            )
        except EditConflict as conflict:
            self.message_user(
                request,
                f"Nothing was restored: the review was {conflict.detail} since you opened its "
                "history. Look at what changed, then restore again if you still want to.",
                messages.ERROR,
            )
            return history
        except (TransitionError, ValidationError) as refusal:
            self.message_user(
                request, f"Nothing was restored: {refusal_message(refusal)}", messages.ERROR
            )
            return history
        saved = when(revision.created_at, zone=True)
        if restored is None:
            self.message_user(
                request,
                f"The review is already as it was when saved at {saved}; nothing changed.",
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                f"Restored the version saved at {saved}: it is now the newest version below, "
                f"saved at {when(restored.created_at)}.",
                messages.SUCCESS,
            )
        return history

    def release_address_view(self, request, object_id, redirect_id):
        review = self._review_for(request, object_id)
        old = get_object_or_404(review.slug_redirects, pk=redirect_id)
        try:
            release_address(redirect=old, by=request.user)
        except TransitionError as refusal:
            raise PermissionDenied(str(refusal)) from None
        self.message_user(
            request,
            f"/reviews/{old.old_slug}/ no longer leads to this review; another review may use it.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:reviews_review_history", args=[review.pk]))

    def cancel_update_view(self, request, object_id, revision_id):
        review = self._review_for(request, object_id)
        if not permissions.can_schedule(request.user):
            raise PermissionDenied
        update = get_object_or_404(
            Revision.objects.pending_updates(), pk=revision_id, review=review
        )
        cancel_update(update=update, by=request.user)
        self.message_user(request, "The scheduled update is cancelled.", messages.SUCCESS)
        return redirect(reverse("admin:reviews_review_history", args=[review.pk]))


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
