"""The writing desk: what the review form adds for the person typing into it.

- a live preview beside the body, drawn from the form's unsaved values by
  the public template (``preview.py``: nothing is saved or cached);
- autosave every few seconds, per user and review (``autosave.py``),
  offered back when the form is opened again and cleared by a save;
- the body's Markdown toolbar, whose “pull quote” button finds quotes here.

Each endpoint checks on the server that the user may edit that review (or
add reviews, for a new one); the admin's own wrapper asks for a staff login
and a CSRF token on every POST.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..models import Autosave, Quote, Review
from ..times import newsroom, when
from . import autosave
from .preview import render_preview
from .widgets import MarkdownEditor, PercentInput

AUTOSAVE_SECONDS = 5
QUOTES_SHOWN = 20
RESTORE = "restore-autosave"


def marker_for(quote: Quote) -> str:
    """The paragraph that places ``quote`` in a body, as the public page
    reads it: ``[pull quote: “words”]``."""
    return f"[pull quote: “{' '.join(quote.text.split())}”]"


class WritingDeskMixin:
    """For ``ReviewAdmin``: its change form as a writing surface."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = MarkdownEditor
        elif db_field.name in ("hero_focus_x", "hero_focus_y"):
            kwargs["widget"] = PercentInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        desk = [
            ("preview/", require_POST(self.preview_view), "preview"),
            ("autosave/", require_POST(self.autosave_view), "autosave"),
            ("autosave/discard/", require_POST(self.discard_autosave_view), "autosave_discard"),
        ]
        return [
            path(
                "desk/quotes/",
                wrap(require_GET(self.quote_search_view)),
                name="reviews_desk_quotes",
            ),
            *(
                path(f"desk/{route}", wrap(view), name=f"reviews_desk_{name}")
                for route, view, name in desk
            ),
            *(
                path(f"<path:object_id>/desk/{route}", wrap(view), name=f"reviews_desk_{name}")
                for route, view, name in desk
            ),
            *super().get_urls(),
        ]

    # -------------------------------------------------------------- who may

    def desk_review(self, request, object_id=None) -> Review | None:
        """The stored review the request is about (None: a new one), if the
        user may edit it; otherwise 403 (or 404)."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        try:
            review = Review.objects.select_related("author", "column").get(pk=object_id)
        except (Review.DoesNotExist, ValueError):
            raise Http404("No such review.") from None
        if not permissions.can_edit(request.user, review):
            raise PermissionDenied
        return review

    def desk_urls(self, review: Review | None) -> dict:
        args = [review.pk] if review is not None else []
        return {
            name: reverse(f"admin:reviews_desk_{name}", args=args)
            for name in ("preview", "autosave", "autosave_discard")
        } | {"quotes": reverse("admin:reviews_desk_quotes")}

    def form_url(self, review: Review | None) -> str:
        if review is None:
            return reverse("admin:reviews_review_add")
        return reverse("admin:reviews_review_change", args=[review.pk])

    def desk_form_class(self, request, review: Review | None):
        return self.get_form(request, review, change=review is not None)

    # -------------------------------------------------------------- views

    def preview_view(self, request, object_id=None):
        review = self.desk_review(request, object_id)
        # An unsaved instance: the form then reads nothing of the stored
        # review's links to show as its initial values.
        form = self.desk_form_class(request, review)(data=request.POST, files={}, instance=Review())
        return render_preview(request, form, review)

    def autosave_view(self, request, object_id=None):
        review = self.desk_review(request, object_id)
        kept = autosave.keep(
            user=request.user,
            review=review,
            form_class=self.desk_form_class(request, review),
            data=request.POST,
        )
        at = newsroom(kept.saved_at)
        return JsonResponse({"saved_at": at.isoformat(), "time": f"{at:%H:%M}"})

    def discard_autosave_view(self, request, object_id=None):
        review = self.desk_review(request, object_id)
        Autosave.objects.of(request.user, review).delete()
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"discarded": True})
        self.message_user(request, "What you were writing before is discarded.", messages.INFO)
        return redirect(self.form_url(review))

    def quote_search_view(self, request):
        """Quotes matching ``q`` (words, character, drama), the review's own
        dramas (``dramas``, ids) first, with the marker that places each."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        quotes = Quote.objects.select_related("character__drama")
        for word in term.split():
            quotes = quotes.filter(
                Q(text__icontains=word)
                | Q(character__name__icontains=word)
                | Q(character__drama__title__icontains=word)
            )
        dramas = {int(pk) for pk in request.GET.get("dramas", "").split(",") if pk.isdigit()}
        found = sorted(
            quotes.order_by("character__drama__title", "episode", "pk")[:200],
            key=lambda quote: quote.character.drama_id not in dramas,
        )[:QUOTES_SHOWN]
        return JsonResponse(
            {
                "results": [
                    {
                        "id": quote.pk,
                        "text": quote.text,
                        "marker": marker_for(quote),
                        "label": str(quote),
                        "character": quote.character.name,
                        "drama": {
                            "id": quote.character.drama_id,
                            "title": str(quote.character.drama),
                        },
                        "episode": quote.episode,
                        "short": Truncator(quote.text).words(12),
                    }
                    for quote in found
                ]
            }
        )

    # -------------------------------------------------------------- the form

    def restoring(self, request, review: Review | None) -> Autosave | None:
        """The user's autosave, when the form is opened to restore it."""
        if request.method != "GET" or RESTORE not in request.GET:
            return None
        memo = request.__dict__.setdefault("_restoring", {})
        key = review.pk if review is not None else None
        if key not in memo:
            can = (
                permissions.can_edit(request.user, review)
                if review is not None
                else self.has_add_permission(request)
            )
            memo[key] = Autosave.objects.of(request.user, review).first() if can else None
        return memo[key]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        kept = self.restoring(request, obj)
        if kept is None:
            return form
        restored = autosave.initial_from(kept, form)

        class Restored(form):
            def __init__(self, *args, **kwargs):
                if not args and kwargs.get("data") is None:
                    kwargs["initial"] = {**(kwargs.get("initial") or {}), **restored}
                super().__init__(*args, **kwargs)

        return Restored

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        review = obj if change else None
        can_write = (
            permissions.can_edit(request.user, review)
            if change
            else self.has_add_permission(request)
        )
        if can_write and not (context.get("is_popup") or context.get("save_as")):
            context["desk"] = self.desk_context(request, context["adminform"].form, review)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request, form, review: Review | None) -> dict:
        urls = self.desk_urls(review)
        desk = {
            "config": {
                **urls,
                "autosave_seconds": AUTOSAVE_SECONDS,
                "new": review is None,
            },
            "offer": None,
        }
        kept = Autosave.objects.of(request.user, review).first()
        if kept is None or form.is_bound:
            return desk
        if self.restoring(request, review) is not None:
            self.message_user(
                request,
                f"This is what you were writing at {when(kept.saved_at)}. Nothing is saved "
                "until you save the form.",
                messages.INFO,
            )
            return desk
        if not autosave.differences(kept, form):
            kept.delete()  # it says nothing the form does not
            return desk
        since = []
        if review is not None and kept.based_on is not None and review.version > kept.based_on:
            since = list(
                review.revisions.snapshots()
                .filter(version__gt=kept.based_on)
                .select_related("created_by")
            )
        at = newsroom(kept.saved_at)
        desk["offer"] = {
            "at": at,
            "today": at.date() == newsroom(timezone.now()).date(),
            "restore_url": f"{self.form_url(review)}?{RESTORE}=1",
            "discard_url": urls["autosave_discard"],
            "since": since,
        }
        return desk

    def forget_autosave(self, request, review: Review | None) -> None:
        """After a successful save of the form (``review`` None: a new one)."""
        autosave.forget(user=request.user, review=review)
