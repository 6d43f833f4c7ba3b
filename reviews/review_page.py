"""What a review's page shows besides the review itself (the view in
``reviews.views``; the admin's preview draws the same from a form)."""

from django.templatetags.static import static
from django.utils.functional import cached_property

from kdrama_rewind.caching.dependencies import depends_on

from .cache_keys import up_next_lists
from .models import Review
from .social import card_url
from .structured_data import review_graph
from .up_next import up_next_for

DRAMA_FACTS = (
    "title",
    "original_title",
    "slug",
    "year",
    "first_aired",
    "network",
    "episodes",
    "poster",
    "poster_width",
    "poster_height",
)


class ReviewPage:
    """What a review's page shows besides the review itself, each part loaded
    when the template first asks for it: parts the page takes from the
    fragment cache cost nothing."""

    def __init__(self, review: Review, absolute):
        self.review = review
        self.absolute = absolute

    @cached_property
    def dramas(self):
        # What the fact box and the JSON-LD show of each: never the synopsis.
        return list(self.review.dramas.only(*DRAMA_FACTS))

    @cached_property
    def featured_people(self):
        # The page and its JSON-LD name and link them: nothing more.
        return list(self.review.featured_people.only("name", "slug"))

    @cached_property
    def tags(self):
        return list(self.review.tags.order_by("name"))  # the same order after any re-import

    @cached_property
    def corrections(self):
        depends_on(f"list:corrections:review:{self.review.pk}")
        return list(self.review.corrections.all())

    @cached_property
    def pull_quotes(self):
        # What the page shows of each: the words, the episode, who says them.
        quotes = self.review.quotes.select_related("character__played_by")
        return list(quotes.only("text", "episode", "character__name", "character__played_by__name"))

    @property
    def body_html(self) -> str:
        """The body as stored when the review was saved: pull quotes in
        place, first mentions linked (``reviews.services.derived``)."""
        return self.review.body_html

    @cached_property
    def unplaced_quotes(self) -> list:
        """Pull quotes the body does not place, shown after it."""
        placed = set(self.review.placed_quotes)
        return [quote for quote in self.pull_quotes if quote.pk not in placed]

    @cached_property
    def social_image(self) -> str | None:
        return self.absolute(card_url(self.review)) if self.review.is_published() else None

    @cached_property
    def structured_data(self) -> dict:
        return review_graph(
            self.review,
            self.absolute,
            dramas=self.dramas,
            people=self.featured_people,
            tags=self.tags,
            corrections=self.corrections,
            image_url=self.social_image or self.absolute(static("social-default.png")),
        )

    @cached_property
    def up_next(self):
        # Up Next changes when a review joins the lists it draws from.
        depends_on(*up_next_lists(self.review, self.dramas, self.featured_people, self.tags))
        return up_next_for(self.review)
