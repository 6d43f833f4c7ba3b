"""List pages: deep in a list, a page finds its ids first and then its
rows, and shows the same reviews, in the same order, as a plain slice."""

from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from reviews.models import Review
from tests.factories import make_author, make_review


class DeepPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_author()
        now = timezone.now()
        for number in range(60):
            # Pairs share a publish time: the id breaks the tie, as in the list.
            make_review(
                f"Review {number:02}",
                author=author,
                published_at=now - timedelta(hours=number // 2 + 1),
            )

    def titles(self, response) -> list[str]:
        return [review.title for review in response.context["reviews"]]

    def test_a_deep_page_shows_what_a_slice_would(self):
        newest_first = list(
            Review.objects.published().newest_first().values_list("title", flat=True)
        )
        with mock.patch("kdrama_rewind.web.pagination.SEEK_BY_IDS_FROM", 24):
            second = self.client.get("/reviews/?page=2")
            third = self.client.get("/reviews/?page=3")
        self.assertEqual(self.titles(second), newest_first[24:48])
        self.assertEqual(self.titles(third), newest_first[48:60])
        self.assertContains(third, "Page 3 of 3")

    def test_the_first_pages_still_take_one_query_for_their_rows(self):
        with mock.patch("kdrama_rewind.web.pagination.SEEK_BY_IDS_FROM", 24):
            with self.assertNumQueries(2):  # the count, the rows
                self.client.get("/reviews/?page=1")
            with self.assertNumQueries(3):  # the count, the ids, the rows
                self.client.get("/reviews/?page=2")
