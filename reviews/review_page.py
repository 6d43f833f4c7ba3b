"""What a review's page shows besides the review itself (the view in
``reviews.views``; the admin's preview draws the same from a form)."""

from django.templatetags.static import static
from django.utils.functional import cached_property

from kdrama_rewind.caching.dependencies import depends_on

from .cache_keys import up_next_lists
from .models import Review
from .page_facts import Shown
from .social import card_url
from .structured_data import review_graph
from .up_next import up_next_for


class ReviewPage:
    """What a review's page shows besides the review itself, each part loaded
    when the template first asks for it: parts the page takes from the
    fragment cache cost nothing."""

    def __init__(self, review: Review, absolute):
        self.review = review
        self.absolute = absolute

    @cached_property
    def shown(self) -> Shown:
        """What the page shows of the review's dramas, people, tags, quotes
        and corrections, as stored when it or they were last saved
        (``reviews.page_facts``): no query."""
        return Shown(self.review.page_facts)

    @cached_property
    def dramas(self):
        return self.shown.dramas

    @cached_property
    def featured_people(self):
        return self.shown.people

    @cached_property
    def tags(self):
        return self.shown.tags

    @cached_property
    def corrections(self):
        depends_on(f"list:corrections:review:{self.review.pk}")
        return self.shown.corrections

    @cached_property
    def pull_quotes(self):
        return self.shown.quotes

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
