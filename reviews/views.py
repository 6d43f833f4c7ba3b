from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from kdrama_rewind.pagination import ForgivingPaginationMixin
from people.models import Person

from .desk import build_calendar, ics_feed
from .models import (
    CalendarToken,
    Character,
    Column,
    Drama,
    Genre,
    Quote,
    Review,
    SlugRedirect,
    Tag,
)
from .names import link_first_mentions
from .permissions import can_view
from .previews import find_usable_link
from .up_next import up_next_for

SEARCH_MAX_LENGTH = 200


class FrontPageView(ForgivingPaginationMixin, ListView):
    template_name = "reviews/front_page.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        reviews = Review.objects.published().for_cards()
        self.lead = reviews.filter(column__is_featured=True).first()
        if self.lead:
            reviews = reviews.exclude(pk=self.lead.pk)
        return reviews

    def get_context_data(self, **kwargs):
        return super().get_context_data(lead=self.lead, **kwargs)


class ReviewDetailView(DetailView):
    """A review as readers see it. Staff who may view reviews also see
    unpublished ones here, marked as a preview. An old address of a review
    that was public redirects to its current one."""

    context_object_name = "review"
    template_name = "reviews/review_detail.html"

    def visible_reviews(self):
        if self.request.user.has_perm("reviews.view_review"):
            return Review.objects.all()
        return Review.objects.published()

    def get_queryset(self):
        return (
            self.visible_reviews()
            .select_related("author", "column")
            .prefetch_related(
                "dramas",
                "featured_people",
                "tags",
                "corrections",
                Prefetch("quotes", queryset=Quote.objects.select_related("character__played_by")),
            )
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = SlugRedirect.objects.filter(
                old_slug=kwargs["slug"], review__in=self.visible_reviews()
            ).select_related("review")
            if redirect_ := moved.first():
                return redirect(redirect_.review, permanent=True)
            raise

    def get_context_data(self, **kwargs):
        review = self.object
        dramas = list(review.dramas.all())
        people = list(review.featured_people.all())
        tags = list(review.tags.all())
        mentions = [([d.title, d.original_title], d.get_absolute_url()) for d in dramas]
        mentions += [(p.known_names, p.get_absolute_url()) for p in people]
        return super().get_context_data(
            body_html=link_first_mentions(review.body_html, mentions),
            dramas=dramas,
            featured_people=people,
            tags=tags,
            pull_quotes=list(review.quotes.all()),
            corrections=list(review.corrections.all()),
            up_next=up_next_for(review, dramas=dramas, people=people, tags=tags),
            is_preview=not review.is_published(),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PreviewLinkView(ReviewDetailView):
    """A review shown through a shareable preview link, whatever its state.
    Only that review: everything else on the page is public content."""

    def get(self, request, *args, **kwargs):
        self.link = find_usable_link(kwargs["token"])
        if self.link is None:
            raise Http404("This preview link is not valid any more.")
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_object(self, queryset=None):
        return self.get_queryset().get(pk=self.link.review_id)

    def visible_reviews(self):
        return Review.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(is_preview=True, preview_link=self.link)
        return context


class ColumnDetailView(ForgivingPaginationMixin, ListView):
    template_name = "reviews/column_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.column = get_object_or_404(Column, slug=self.kwargs["slug"])
        return self.column.reviews.published().for_cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(column=self.column, **kwargs)


class TagDetailView(ForgivingPaginationMixin, ListView):
    template_name = "reviews/tag_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.tag = get_object_or_404(Tag.objects.in_use(), slug=self.kwargs["slug"])
        return Review.objects.published().filter(tags=self.tag).for_cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class DramaListView(ForgivingPaginationMixin, ListView):
    context_object_name = "dramas"
    paginate_by = 24

    def get_queryset(self):
        dramas = Drama.objects.order_by("title")
        self.genre = None
        if slug := self.request.GET.get("genre"):
            self.genre = Genre.objects.filter(slug=slug).first()
            dramas = dramas.filter(genres=self.genre) if self.genre else dramas.none()
        return dramas

    def get_context_data(self, **kwargs):
        return super().get_context_data(genre=self.genre, genres=Genre.objects.all(), **kwargs)


class DramaDetailView(DetailView):
    context_object_name = "drama"
    queryset = Drama.objects.prefetch_related(
        "genres", Prefetch("characters", queryset=Character.objects.select_related("played_by"))
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            characters=self.object.characters.all(),
            quotes=Quote.objects.filter(character__drama=self.object).select_related("character"),
            reviews=self.object.reviews.published().for_cards(),
            **kwargs,
        )


class SearchView(TemplateView):
    template_name = "reviews/search.html"
    results_per_group = 20

    def get_context_data(self, **kwargs):
        query = " ".join(self.request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
        context = super().get_context_data(query=query, **kwargs)
        if query:
            limit = self.results_per_group
            context["reviews"] = list(
                Review.objects.published()
                .filter(Q(title__icontains=query) | Q(standfirst__icontains=query))
                .for_cards()[:limit]
            )
            context["dramas"] = list(
                Drama.objects.filter(
                    Q(title__icontains=query) | Q(original_title__icontains=query)
                )[:limit]
            )
            context["people"] = list(
                Person.objects.filter(
                    Q(name__icontains=query)
                    | Q(hangul_name__icontains=query)
                    | Q(aliases__icontains=query)
                )[:limit]
            )
        return context


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


class DeskCalendarFeedView(View):
    """The desk calendar as iCalendar, for a staff member's calendar app.
    The secret in the address stands in for a login."""

    def get(self, request, key):
        token = CalendarToken.objects.select_related("user").filter(key=key).first()
        user = token.user if token else None
        if user is None or not user.is_active or not user.is_staff or not can_view(user):
            raise Http404("No calendar here.")
        body = ics_feed(
            calendars=build_calendar(),
            base_url=request.build_absolute_uri("/").rstrip("/"),
            now=timezone.now(),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
