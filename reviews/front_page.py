"""The front page, in sections: the lead (the featured column's newest
review) and more of that column, the latest of the other public reviews
(paginated: later pages are this list alone), the newest of the desk's other
columns (Weekend Watch, say), and the newsletter. Each review appears once.
Every section is one query (the other columns' two), whatever the size of the
archive or the number of columns, and kept like a fragment (``remembered``).

Each query is a kept statement (``kdrama_rewind.data.statements``): built
once, run with the time and the ids. At 100,000 reviews building the four
queries took about 3 ms a request, more than running them, and the page
reads the same rows into the same reviews (with their author and column)
as the querysets did."""

from dataclasses import dataclass

from django.db import router
from django.db.models import DateTimeField, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView

from kdrama_rewind.caching.pages import PublicFragmentsMixin, remembered
from kdrama_rewind.data.statements import Slot, Statement, numbered, numbered_values
from kdrama_rewind.web.pagination import ForgivingPaginationMixin
from kdrama_rewind.web.structured_data import website_graph

from .models import Column, Review
from .models.reviews import card_columns


class FrontPageView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """The front page, in sections: the newest review of the featured column
    as the lead, that column's next few, then the latest of the other public
    reviews, newest first (paginated: later pages are this list alone), then
    the newest of the desk's other columns, then the newsletter."""

    template_name = "reviews/front_page.html"
    context_object_name = "reviews"
    paginate_by = 12

    def list_keys(self):
        return ["list:front"]

    def get_queryset(self):
        reviews = Review.objects.published().cards()
        # Each review once: those in the sections are not repeated here.
        shown = self.shown_in_sections
        reviews = reviews.exclude(pk__in=shown) if shown else reviews
        if self.request.GET.get(self.page_kwarg, "1") == "1":
            return FirstPageOfLatest(reviews, shown)
        return reviews

    def list_count(self) -> int:
        # The sections show live reviews only, each once.
        return max(0, Review.objects.live_count() - len(self.shown_in_sections))

    @cached_property
    def shown_in_sections(self) -> list[int]:
        sections = [self.featured, *self.column_sections]
        return [review.pk for section in sections for review in section.reviews]

    @cached_property
    def featured(self) -> "ColumnSection":
        return remembered("front-page-featured", self.find_featured, depends=["list:front"])

    @property
    def lead(self):
        return self.featured.reviews[0] if self.featured.reviews else None

    @cached_property
    def column_sections(self) -> list["ColumnSection"]:
        return remembered("front-page-columns", self.find_column_sections, depends=["list:front"])

    @cached_property
    def structured_data(self) -> dict:
        absolute = self.request.build_absolute_uri
        return website_graph(absolute, search_path=reverse("reviews:search"))

    @staticmethod
    def find_featured() -> "ColumnSection":
        # One query: the featured column found first (a subquery), then its
        # newest by the index on (column, published_at), not picked out of
        # the newest reviews of every column.
        reviews = _cards(FEATURED)
        return ColumnSection(reviews[0].column if reviews else None, reviews)

    @staticmethod
    def find_column_sections() -> list["ColumnSection"]:
        """The newest reviews of the other columns, the most recently active
        column first, in two queries: the ids and columns of the
        ``COLUMN_SECTION_WINDOW`` newest public reviews in those columns, read
        from the newest-first index, then the cards of the few picked."""
        recent = RECENT_IN_COLUMNS.rows((), using=_reading(), now=timezone.now())
        picked: dict[int, list[int]] = {}
        for pk, column_id in recent:
            ids = picked.setdefault(column_id, [])
            if len(ids) < COLUMN_SECTION_SIZE:
                ids.append(pk)
        picked = dict(list(picked.items())[:COLUMN_SECTIONS])
        wanted = [pk for ids in picked.values() for pk in ids]
        found = _cards(CARDS_OF, (len(wanted),), **numbered_values("id", wanted)) if wanted else []
        cards = {review.pk: review for review in found}
        sections = []
        for ids in picked.values():
            # A review taken down between the two queries is left out.
            reviews = [cards[pk] for pk in ids if pk in cards]
            if reviews:
                sections.append(ColumnSection(reviews[0].column, reviews))
        return sections


class FirstPageOfLatest:
    """The latest reviews for the paginator, the first page read by a kept
    statement (``reviews``, the same list as a queryset, for anything else:
    a page further down, a count)."""

    def __init__(self, reviews, shown: list[int]):
        self.reviews, self.shown = reviews, shown

    def count(self) -> int:
        return self.reviews.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice) and not key.start and key.step is None and key.stop:
            if key.stop <= LATEST_FROM_STATEMENT:
                shape = (len(self.shown), key.stop)
                return _cards(LATEST, shape, **numbered_values("shown", self.shown))
        return self.reviews[key]


# The front page: how many more of the featured column follow the lead; how
# many other columns get a section of their newest reviews, of how many, found
# among how many of those columns' newest reviews.
FEATURED_MORE = 3
COLUMN_SECTIONS = 2
COLUMN_SECTION_SIZE = 3
COLUMN_SECTION_WINDOW = 40
# The first page of the latest reviews is read by a kept statement when it
# is at most this long (a page, and its orphans where the list is short).
LATEST_FROM_STATEMENT = 2 * FrontPageView.paginate_by


def _live():
    return Review.objects.published(at=Slot("now", DateTimeField()))


def _featured_cards():
    featured = Column.objects.filter(is_featured=True).values("pk")[:1]
    return (
        _live()
        .filter(column=Subquery(featured))
        .newest_first()
        .values_list(*card_columns().columns())[: 1 + FEATURED_MORE]
    )


def _recent_in_columns():
    return (
        _live()
        .filter(column__is_featured=False)
        .newest_first()
        .values_list("pk", "column_id")[:COLUMN_SECTION_WINDOW]
    )


def _cards_of(count: int):
    return _live().filter(pk__in=numbered("id", count)).values_list(*card_columns().columns())


def _latest_cards(shown: int, size: int):
    reviews = _live()
    if shown:
        reviews = reviews.exclude(pk__in=numbered("shown", shown))
    return reviews.newest_first().values_list(*card_columns().columns())[:size]


FEATURED = Statement(_featured_cards)
RECENT_IN_COLUMNS = Statement(_recent_in_columns)
CARDS_OF = Statement(_cards_of)
LATEST = Statement(_latest_cards)


def _reading() -> str:
    return router.db_for_read(Review)


def _cards(statement: Statement, shape: tuple = (), **ids: int) -> list[Review]:
    """The reviews ``statement`` finds now, made as ``cards()`` makes them;
    ``ids`` fill its id slots (``id0``…, ``shown0``…)."""
    using, loaded = _reading(), card_columns()
    rows = statement.rows(shape, using=using, now=timezone.now(), **ids)
    return [loaded.instance(using, row) for row in rows]


@dataclass(frozen=True)
class ColumnSection:
    column: Column | None
    reviews: list[Review]

    @property
    def more(self) -> list[Review]:
        """The reviews after the first (the featured column's lead)."""
        return self.reviews[1:]
