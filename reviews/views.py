from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from kdrama_rewind.caching.dependencies import depends_on, key_for
from kdrama_rewind.caching.pages import PublicFragmentsMixin, fragment_context, remembered
from kdrama_rewind.media.images import share_url
from kdrama_rewind.web.pagination import ForgivingPaginationMixin

from .cache_keys import address_key
from .drama_page import DramaPage, drama_at
from .models import (
    Column,
    Drama,
    Genre,
    PreviewLink,
    Quote,
    Review,
    SlugRedirect,
    Tag,
)
from .page_facts import Shown
from .review_page import NOT_ON_THE_PAGE, ReviewPage, public_review
from .search import search
from .sitemaps import news_items
from .social import card_digest, card_url, ensure_card
from .structured_data import drama_graph


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
        # The page shows the body as stored on save, never the Markdown.
        return self.visible_reviews().select_related("author", "column").defer(*NOT_ON_THE_PAGE)

    def get_object(self, queryset=None):
        if self.request.user.has_perm("reviews.view_review"):
            return super().get_object(queryset)
        # Readers: the public review by its address, kept like a fragment.
        slug = self.kwargs["slug"]
        review = remembered(f"public-review:{slug}", lambda: self.public_review(slug))
        if review is None:
            raise Http404("No review at this address.")
        return review

    def public_review(self, slug: str) -> Review | None:
        depends_on(address_key(slug))
        review = public_review(slug)
        if review is not None:
            # Its stored body and facts name these: a change to any of them
            # stores them again, and the review kept here is stale too.
            depends_on(*(key_for(model, pk) for model, pk in Shown(review.page_facts).named()))
            depends_on(f"list:corrections:review:{review.pk}")
        return review

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

    def shown_publicly(self) -> bool:
        """Whether this is the review's public page: only it keeps and reuses
        fragments, and only it may be kept by a cache."""
        return self.object.is_published()

    def get_context_data(self, **kwargs):
        public = self.shown_publicly()
        return super().get_context_data(
            page=ReviewPage(self.object, self.request.build_absolute_uri),
            is_preview=not public,
            **fragment_context(self.request, cacheable=public),
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
        links = PreviewLink.objects.select_related("review")
        self.link = links.usable().for_token(kwargs["token"])
        if self.link is None:
            if links.for_token(kwargs["token"]) is None:
                raise Http404("There is no preview at this address.")
            return self.gone(request)
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["Referrer-Policy"] = "no-referrer"
        return response

    def gone(self, request):
        """A link that worked once: say so, rather than “not found”."""
        response = render(request, "reviews/preview_expired.html", status=410)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_object(self, queryset=None):
        return self.get_queryset().get(pk=self.link.review_id)

    def visible_reviews(self):
        return Review.objects.all()

    def shown_publicly(self) -> bool:
        # Its page names another canonical address: a fragment kept from
        # it would give the public page that address, one from the public
        # page would give the preview the review's.
        return False

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.link, **kwargs)


class ColumnDetailView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    template_name = "reviews/column_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def list_keys(self):
        return [f"list:column:{self.column.pk}"]

    def get_queryset(self):
        self.column = get_object_or_404(Column, slug=self.kwargs["slug"])
        return self.column.reviews.published().cards(known="column")

    def get_context_data(self, **kwargs):
        return super().get_context_data(column=self.column, **kwargs)


class TagDetailView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    template_name = "reviews/tag_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def list_keys(self):
        return [f"list:tag:{self.tag.pk}"]

    def get_queryset(self):
        self.tag = get_object_or_404(Tag.objects.in_use(), slug=self.kwargs["slug"])
        return Review.objects.published().filter(tags=self.tag).cards()

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

    def list_keys(self):
        return ["list:dramas"]

    def get_context_data(self, **kwargs):
        depends_on(*self.list_keys())
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


class DramaDetailView(PublicFragmentsMixin, DetailView):
    """A drama: its cast, quotes and reviews. The template takes most of the
    page from fragments; what a missing fragment needs loads on first use
    (``reviews.drama_page``)."""

    context_object_name = "drama"

    def get_object(self, queryset=None):
        drama = drama_at(self.kwargs["slug"])
        if drama is None:
            raise Http404("No drama at this address.")
        return drama

    def list_keys(self):
        lists = ("list:drama", "list:characters:drama", "list:quotes:drama")
        return [f"{name}:{self.object.pk}" for name in lists]

    @cached_property
    def page(self) -> DramaPage:
        return DramaPage(self.object)

    @cached_property
    def social_image(self):
        return share_url(self.object.poster, self.request.build_absolute_uri)

    @cached_property
    def structured_data(self):
        absolute = self.request.build_absolute_uri
        return drama_graph(self.object, absolute, characters=self.page.characters)


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
        depends_on(f"list:quotes:character:{character.pk}", f"list:drama:{character.drama_id}")
        return super().get_context_data(
            quotes=character.quotes.all(),
            reviews=character.drama.reviews.published().cards()[:4],
            **kwargs,
        )


class QuoteListView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """Every quote the desk has recorded, drama by drama."""

    context_object_name = "quotes"
    template_name = "reviews/quote_list.html"
    paginate_by = 50
    # Only what the list shows: a page is 50 quotes, each with a character,
    # a drama and an actor, and their whole rows (synopses, biographies,
    # images made ready for nothing) cost 0.3-0.5 ms more a page.
    queryset = (
        Quote.objects.select_related("character__drama", "character__played_by")
        .only(
            "text",
            "episode",
            "character__name",
            "character__drama__title",
            "character__drama__slug",
            "character__drama__year",
            "character__played_by__name",
        )
        .by_drama()
    )

    def list_keys(self):
        return ["list:quotes"]

    def list_count(self) -> int:
        return Quote.objects.total()

    def list_ids(self, bottom: int, top: int) -> list[int]:
        def per_drama():
            return remembered("quotes:per-drama", Quote.objects.per_drama, depends=["list:quotes"])

        return Quote.objects.ids_by_drama(bottom, top, per_drama)


class SocialCardView(View):
    """A public review's social card, drawn on first request and kept. While
    media storage cannot be reached, the site's default card stands in."""

    def get(self, request, pk, digest):
        review = get_object_or_404(Review.objects.published().select_related("column"), pk=pk)
        if digest != card_digest(review):
            return redirect(card_url(review))
        try:
            name = ensure_card(review)
            card = default_storage.open(name, "rb")
        except OSError:
            return redirect(static("social-default.png"))  # temporary: never cached
        response = FileResponse(card, content_type="image/jpeg")
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class SearchView(TemplateView):
    """Search results, grouped; reviews paginated with ``?page=``."""

    template_name = "reviews/search.html"

    def get_context_data(self, **kwargs):
        # What it shows depends on "search" and "search:names", as search()
        # declares: declared here first, every part would depend on both.
        results = search(self.request.GET.get("q"), page=self.request.GET.get("page"))
        if results.reviews is not None:
            self.request.shown_page = results.reviews.number
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
