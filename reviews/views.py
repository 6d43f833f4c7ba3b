from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from kdrama_rewind.pagination import ForgivingPaginationMixin
from people.models import Person

from .models import Character, Column, Drama, Genre, Quote, Review, Tag
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
    context_object_name = "review"

    def get_queryset(self):
        reviews = Review.objects.all() if self.is_preview_allowed() else Review.objects.published()
        return reviews.select_related("author", "column").prefetch_related(
            "dramas",
            "featured_people",
            "tags",
            Prefetch("quotes", queryset=Quote.objects.select_related("character__played_by")),
        )

    def is_preview_allowed(self) -> bool:
        return self.request.user.has_perm("reviews.view_review")

    def get_context_data(self, **kwargs):
        review = self.object
        dramas = list(review.dramas.all())
        people = list(review.featured_people.all())
        tags = list(review.tags.all())
        return super().get_context_data(
            dramas=dramas,
            featured_people=people,
            tags=tags,
            pull_quotes=list(review.quotes.all()),
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
