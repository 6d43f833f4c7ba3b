"""The conversation beside the review form: the note an editor sent the
review back with, its open comment threads, and the forms to comment,
answer, resolve and send back; the History page lists every thread with
the version it was made on.

Only staff who may discuss the review see any of it. Its views answer POSTs
only, and each change goes through a service that checks the user's rights
again, so a forged request is refused like any other. With JavaScript
(``static/admin/kdr/discussion.js``) a comment is posted without leaving
the page, so nothing typed in the review form is lost; without it, the
page reloads.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from kdrama_rewind.web.admin_widgets import holds

from .. import permissions
from ..models import Anchor, Comment, Review, SendBack
from ..services import TransitionError, add_comment, reopen_thread, resolve_thread, send_back
from ..services.comments import quote_still_there

PANEL_HEADER = "X-KDR-Panel"  # sent by discussion.js: answer with the panel alone
PANEL_TEMPLATE = "admin/reviews/review/_discussion.html"


def refusal_text(refusal) -> str:
    """What an editor is told of a refused change: a service's validation
    messages, or the reason of a refused transition."""
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


def discussion_for(user, review: Review, *, error: str = "", draft: dict | None = None):
    """What the side panel shows ``user`` about ``review``, or None for
    someone who may not discuss it. Three queries, however many comments."""
    if review.pk is None or not permissions.can_discuss(user, review):
        return None
    threads = list(
        review.comments.open()
        .select_related("author")
        .prefetch_related(Prefetch("replies", Comment.objects.select_related("author")))
    )
    for thread in threads:
        thread.quote_changed = not quote_still_there(thread, review)
    return {
        "threads": threads,
        "send_back": review.send_backs.open().select_related("created_by").first(),
        "can_send_back": permissions.can_send_back(user, review),
        "anchors": Anchor.choices,
        "error": error,
        "draft": draft or {},
    }


def history_threads(user, review: Review, revisions) -> list[Comment] | None:
    """Every thread on ``review``, open or resolved, each with the revision
    of the version it was made on; None for someone who may not see them."""
    if not permissions.can_discuss(user, review):
        return None
    versions = {r.version: r.pk for r in revisions if not r.is_note and not r.is_pending}
    threads = list(
        review.comments.threads()
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("replies", Comment.objects.select_related("author")))
    )
    for thread in threads:
        thread.revision_id = versions.get(thread.version)
    return threads


class DiscussionAdminMixin:
    """For ReviewAdmin: the discussion's context on the change form, and its views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/comments/",
                wrap(require_POST(self.comment_view)),
                name="reviews_review_comment",
            ),
            path(
                "<path:object_id>/comments/<int:comment_id>/resolve/",
                wrap(require_POST(self.resolve_comment_view)),
                name="reviews_review_resolve_comment",
            ),
            path(
                "<path:object_id>/comments/<int:comment_id>/reopen/",
                wrap(require_POST(self.reopen_comment_view)),
                name="reviews_review_reopen_comment",
            ),
            path(
                "<path:object_id>/send-back/",
                wrap(require_POST(self.send_back_view)),
                name="reviews_review_send_back",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["discussion"] = discussion_for(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # ------------------------------------------------------------ the views

    def _discussed_review(self, request, object_id) -> Review:
        review = self.get_object(request, unquote(object_id))
        if review is None:
            raise Http404("No such review.")
        if not permissions.can_discuss(request.user, review):
            raise PermissionDenied
        return review

    def _comment_on(self, review: Review, comment_id) -> Comment:
        """The review's comment with this id (as posted: not always a number)."""
        if not holds(Comment._meta.pk, comment_id):
            raise Http404("No such comment.")
        return get_object_or_404(
            Comment.objects.select_related("thread", "review__author"), pk=comment_id, review=review
        )

    def _answer(self, request, review: Review, *, done: str = "", refusal=None, draft=None):
        """The panel alone for discussion.js; otherwise back to the form."""
        error = refusal_text(refusal) if refusal is not None else ""
        if request.headers.get(PANEL_HEADER) == "1":
            review.refresh_from_db()
            context = {
                "original": review,
                "discussion": discussion_for(request.user, review, error=error, draft=draft),
                "announce": done,
            }
            return TemplateResponse(request, PANEL_TEMPLATE, context, status=400 if error else 200)
        if error:
            self.message_user(request, error, messages.ERROR)
        elif done:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:reviews_review_change", args=[review.pk]) + "#discussion")

    def comment_view(self, request, object_id):
        review = self._discussed_review(request, object_id)
        reply_to = request.POST.get("reply_to")
        try:
            add_comment(
                review=review,
                by=request.user,
                text=request.POST.get("text", ""),
                field=request.POST.get("field", ""),
                quote=request.POST.get("quote", ""),
                reply_to=self._comment_on(review, reply_to) if reply_to else None,
            )
        except ValidationError as refusal:
            draft = {key: request.POST.get(key, "") for key in ("text", "field", "quote")}
            return self._answer(request, review, refusal=refusal, draft=draft)
        except TransitionError as refusal:
            raise PermissionDenied(str(refusal)) from None
        done = "Your reply is posted." if reply_to else "Your comment is posted."
        return self._answer(request, review, done=done)

    def resolve_comment_view(self, request, object_id, comment_id):
        review = self._discussed_review(request, object_id)
        try:
            resolve_thread(comment=self._comment_on(review, comment_id), by=request.user)
        except TransitionError as refusal:
            raise PermissionDenied(str(refusal)) from None
        return self._answer(request, review, done="Resolved: the thread is kept in the History.")

    def reopen_comment_view(self, request, object_id, comment_id):
        review = self._discussed_review(request, object_id)
        try:
            reopen_thread(comment=self._comment_on(review, comment_id), by=request.user)
        except TransitionError as refusal:
            raise PermissionDenied(str(refusal)) from None
        self.message_user(request, "The thread is open again, beside the form.", messages.SUCCESS)
        return redirect(reverse("admin:reviews_review_history", args=[review.pk]))

    def send_back_view(self, request, object_id):
        review = self.get_object(request, unquote(object_id))
        if review is None:
            raise Http404("No such review.")
        if not permissions.can_publish(request.user):
            raise PermissionDenied
        change = reverse("admin:reviews_review_change", args=[review.pk])
        try:
            done: SendBack = send_back(
                review=review, by=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as refusal:
            self.message_user(request, f"Not sent back: {refusal_text(refusal)}", messages.ERROR)
            return redirect(change + "#discussion")
        except TransitionError as refusal:
            self.message_user(request, f"Not sent back: {refusal}", messages.ERROR)
            return redirect(change)
        self.message_user(
            request,
            f"“{done.review}” is back with {review.author} as a draft, with your note.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:index"))
