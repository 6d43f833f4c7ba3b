"""The review's History in the admin: every saved version, two versions
compared, an old version restored, an old address released, a scheduled
update cancelled."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..models import Review, Revision
from ..names import name_warnings, review_texts, undismissed
from ..services import (
    EditConflict,
    TransitionError,
    cancel_update,
    release_address,
    restore_revision,
)
from ..services.snapshots import compare
from ..times import newsroom, when, zone_phrase
from .discussion import history_threads, refusal_text


class ReviewHistoryMixin:
    """The History pages of the review admin."""

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
                request, f"Nothing was restored: {refusal_text(refusal)}", messages.ERROR
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
