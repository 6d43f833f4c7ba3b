"""What a review's page shows besides the review itself (the view in
``reviews.views``; the admin's preview draws the same from a form)."""

import functools

from django.db import router
from django.db.models import DateTimeField, TextField
from django.templatetags.static import static
from django.utils import timezone
from django.utils.functional import cached_property

from kdrama_rewind.caching.dependencies import depends_on
from kdrama_rewind.data.statements import Loaded, Slot, Statement

from .cache_keys import up_next_lists
from .models import Review
from .page_facts import Shown
from .social import card_url
from .structured_data import review_graph
from .up_next import up_next_for

# What the page never reads of a review: the Markdown (it shows the body as
# stored on save), what search and lists read, and the editors' own notes.
NOT_ON_THE_PAGE = (
    "body",
    "search_text",
    "name_checks_dismissed",
    "card_html",
    "card_html_in_column",
)


@functools.cache
def _page_columns() -> Loaded:
    """Every field of the review but those, and all of its author's and
    column's."""

    def fields(model, prefix="", leave=()):
        return [
            prefix + f.name
            for f in model._meta.concrete_fields
            if f.name not in leave and not (prefix and f.primary_key)
        ]

    author, column = (Review._meta.get_field(name).related_model for name in ("author", "column"))
    named = [
        *fields(Review, leave=NOT_ON_THE_PAGE),
        *fields(author, "author__"),
        *fields(column, "column__"),
    ]
    return Loaded.of(Review.objects.select_related("author", "column").only(*named))


def _public_at_address():
    return (
        Review.objects.published(at=Slot("now", DateTimeField()))
        .filter(slug=Slot("slug", TextField()))
        .order_by()  # the slug is unique
        .values_list(*_page_columns().columns())[:1]
    )


# Kept: building the query (the review with its author and column) cost
# more than running it.
PUBLIC_AT_ADDRESS = Statement(_public_at_address)


def public_review(slug: str) -> Review | None:
    """The public review at ``slug``, with its author and column, as its page
    reads it: one kept statement."""
    using = router.db_for_read(Review)
    rows = PUBLIC_AT_ADDRESS.rows((), using=using, now=timezone.now(), slug=slug)
    return _page_columns().instance(using, rows[0]) if rows else None


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
