from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from kdrama_rewind.images import share_url
from kdrama_rewind.pagination import ForgivingPaginationMixin

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
from .search import search
from .sitemaps import news_items
from .social import card_digest, card_url, ensure_card
from .structured_data import drama_graph, review_graph
from .up_next import cached_up_next


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
        corrections = list(review.corrections.all())
        mentions = [([d.title, d.original_title], d.get_absolute_url()) for d in dramas]
        mentions += [(p.known_names, p.get_absolute_url()) for p in people]
        absolute = self.request.build_absolute_uri
        public = review.is_published()
        social_image = absolute(card_url(review)) if public else None
        return super().get_context_data(
            body_html=link_first_mentions(review.body_html, mentions),
            dramas=dramas,
            featured_people=people,
            tags=tags,
            pull_quotes=list(review.quotes.all()),
            corrections=corrections,
            up_next=cached_up_next(review, dramas=dramas, people=people, tags=tags),
            is_preview=not public,
            social_image=social_image,
            structured_data=review_graph(
                review,
                absolute,
                dramas=dramas,
                people=people,
                tags=tags,
                corrections=corrections,
                image_url=social_image or absolute(static("social-default.png")),
            ),
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
        request.canonical_path = reverse("reviews:front_page")  # never the secret link
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
    """Every drama, filterable by genre, network and year."""

    context_object_name = "dramas"
    paginate_by = 24

    def get_queryset(self):
        dramas = Drama.objects.order_by("title")
        params = self.request.GET
        self.genre = None
        if slug := params.get("genre"):
            self.genre = Genre.objects.filter(slug=slug).first()
            dramas = dramas.filter(genres=self.genre) if self.genre else dramas.none()
        self.network = params.get("network", "")[:100]
        if self.network:
            dramas = dramas.filter(network=self.network)
        self.year = params.get("year", "")
        if self.year:
            dramas = dramas.filter(year=self.year) if self.year.isdigit() else dramas.none()
        return dramas

    def get_context_data(self, **kwargs):
        named = Drama.objects.order_by()
        return super().get_context_data(
            genre=self.genre,
            network=self.network,
            year=self.year,
            genres=Genre.objects.all(),
            networks=named.exclude(network="")
            .values_list("network", flat=True)
            .distinct()
            .order_by("network"),
            years=named.values_list("year", flat=True).distinct().order_by("-year"),
            filtered=bool(self.genre or self.network or self.year),
            **kwargs,
        )


class DramaDetailView(DetailView):
    context_object_name = "drama"
    queryset = Drama.objects.prefetch_related(
        "genres",
        Prefetch("characters", queryset=Character.objects.select_related("played_by", "drama")),
    )

    def get_context_data(self, **kwargs):
        characters = list(self.object.characters.all())
        absolute = self.request.build_absolute_uri
        return super().get_context_data(
            characters=characters,
            structured_data=drama_graph(self.object, absolute, characters=characters),
            social_image=share_url(self.object.poster, absolute),
            quotes=Quote.objects.filter(character__drama=self.object).select_related(
                "character__drama"
            ),
            reviews=self.object.reviews.published().for_cards(),
            **kwargs,
        )


class CharacterDetailView(DetailView):
    """A character: who plays them, in what, and everything they say."""

    context_object_name = "character"
    template_name = "reviews/character_detail.html"

    def get_object(self, queryset=None):
        drama = get_object_or_404(Drama, slug=self.kwargs["drama_slug"])
        for character in drama.characters.select_related("played_by"):
            if character.slug == self.kwargs["slug"]:
                character.drama = drama
                return character
        raise Http404("No such character.")

    def get_context_data(self, **kwargs):
        character = self.object
        return super().get_context_data(
            quotes=character.quotes.all(),
            reviews=character.drama.reviews.published().for_cards()[:4],
            **kwargs,
        )


class QuoteListView(ForgivingPaginationMixin, ListView):
    """Every quote the desk has recorded, drama by drama."""

    context_object_name = "quotes"
    template_name = "reviews/quote_list.html"
    paginate_by = 50
    queryset = Quote.objects.select_related("character__drama", "character__played_by").order_by(
        "character__drama__title", "episode", "id"
    )


class SocialCardView(View):
    """A public review's social card, drawn on first request and kept."""

    def get(self, request, pk, digest):
        review = get_object_or_404(Review.objects.published().select_related("column"), pk=pk)
        if digest != card_digest(review):
            return redirect(card_url(review))
        name = ensure_card(review)
        response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class SearchView(TemplateView):
    """Search results, grouped; reviews paginated with ``?page=``."""

    template_name = "reviews/search.html"

    def get_context_data(self, **kwargs):
        results = search(self.request.GET.get("q"), page=self.request.GET.get("page"))
        return super().get_context_data(
            query=results.query,
            results=results,
            reviews=results.reviews,
            page_obj=results.reviews,
            dramas=results.dramas,
            people=results.people,
            characters=results.characters,
            **kwargs,
        )


class NewsSitemapView(TemplateView):
    """A Google News sitemap of the last two days' reviews."""

    template_name = "news_sitemap.xml"
    content_type = "application/xml; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reviews=news_items(), **kwargs)


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
