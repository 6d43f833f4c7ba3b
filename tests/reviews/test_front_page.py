"""The front page's sections and its first page of the latest reviews are
read by kept statements (``reviews.front_page``): they show what the
querysets find, at the moment of the request."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from reviews.front_page import COLUMN_SECTION_SIZE, FEATURED_MORE
from reviews.models import Review
from tests.clock import clock_at
from tests.factories import make_column, make_review


class FrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.rewind = make_column("K-Drama Rewind", is_featured=True)
        cls.weekend = make_column("Weekend Watch")
        cls.streaming = make_column("Streaming Now")
        hours = iter(range(1, 100))

        def review(title, column=None):
            at = now - timedelta(hours=next(hours))
            return make_review(title, column=column, published_at=at)

        cls.featured = [review(f"Rewind {i}", cls.rewind) for i in range(5)]
        cls.loose = [review(f"Loose {i}") for i in range(8)]
        cls.weekend_reviews = [review(f"Weekend {i}", cls.weekend) for i in range(4)]
        cls.streaming_reviews = [review(f"Streaming {i}", cls.streaming) for i in range(4)]
        cls.more_loose = [review(f"Older loose {i}") for i in range(8)]

    def front(self, page=None):
        response = self.client.get("/", {"page": page} if page else {})
        self.assertEqual(response.status_code, 200)
        return response

    def test_sections_and_the_latest_are_what_the_archive_holds(self):
        view = self.front().context["view"]
        self.assertEqual(view.lead, self.featured[0])
        self.assertEqual(view.featured.more, self.featured[1 : 1 + FEATURED_MORE])
        sections = {s.column: s.reviews for s in view.column_sections}
        self.assertEqual(sections[self.weekend], self.weekend_reviews[:COLUMN_SECTION_SIZE])
        self.assertEqual(sections[self.streaming], self.streaming_reviews[:COLUMN_SECTION_SIZE])
        shown = view.shown_in_sections
        expected = list(Review.objects.published().cards().exclude(pk__in=shown))
        first = list(self.front().context["reviews"])
        second = list(self.front(page=2).context["reviews"])
        self.assertEqual(first, expected[:12])
        self.assertEqual(second, expected[12:])
        # Each card with its byline and kicker, as the queryset made them.
        with self.assertNumQueries(0):
            self.assertEqual(first[0].author.name, expected[0].author.name)
            self.assertEqual([r.column for r in first], [r.column for r in expected[:12]])

    def test_a_scheduled_review_appears_at_its_time(self):
        at = timezone.now() + timedelta(minutes=5)
        later = make_review("Scheduled lead", column=self.rewind, published_at=at)
        Review.objects.filter(pk=later.pk).update(status=Review.Status.SCHEDULED)
        loose = make_review("Scheduled loose", published_at=at + timedelta(seconds=1))
        Review.objects.filter(pk=loose.pk).update(status=Review.Status.SCHEDULED)
        with clock_at(at - timedelta(seconds=1)):
            response = self.front()
            self.assertEqual(response.context["view"].lead, self.featured[0])
            self.assertNotContains(response, "Scheduled loose")
        with clock_at(at + timedelta(seconds=2)):
            response = self.front()
            self.assertEqual(response.context["view"].lead, later)
            self.assertEqual(response.context["reviews"][0], loose)

    def test_a_review_taken_off_the_site_leaves_the_page_at_once(self):
        gone = self.loose[0]
        self.assertContains(self.front(), gone.title)
        Review.objects.filter(pk=gone.pk).update(status=Review.Status.DRAFT)
        self.assertNotContains(self.front(), gone.title)

    def test_queries_per_page(self):
        # The featured column, the other columns' newest and their cards,
        # the count, the latest; a later page leaves out what the sections
        # show too.
        for page in (None, 2):
            with self.subTest(page=page), self.assertNumQueries(5):
                self.front(page)
