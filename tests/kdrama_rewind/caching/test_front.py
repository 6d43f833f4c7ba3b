"""Pages served again from the page cache carry ``Age``, so a cache in front
counts their lifetime from when they were made (kdrama_rewind/caching/front.py)."""

import re
from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from reviews.services.workflow import publish_review
from tests.clock import clock_at
from tests.factories import make_review, make_user
from tests.sample_site import PublicSiteTestCase


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1])


@override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300)
class AgeTests(PublicSiteTestCase):
    def setUp(self):
        cache.clear()

    def test_a_page_served_again_says_how_old_it_is(self):
        start = timezone.now()
        with clock_at(start):
            first = self.client.get(self.review.get_absolute_url())
        self.assertNotIn("Age", first)
        self.assertNotIn("X-Kdr-Made-At", first)
        with clock_at(start + timedelta(seconds=40)):
            again = self.client.get(self.review.get_absolute_url())
        self.assertEqual(again.content, first.content)
        self.assertEqual(again["Age"], "40")
        self.assertNotIn("X-Kdr-Made-At", again)

    def test_no_cache_in_front_keeps_a_page_past_the_next_scheduled_moment(self):
        start = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            publish_review(
                review=make_review("Due in half a minute", published=False),
                by=make_user(superuser=True),
                at=start + timedelta(seconds=30),
            )
        with clock_at(start):
            self.client.get("/")
        with clock_at(start + timedelta(seconds=20)):
            again = self.client.get("/")
        self.assertNotContains(again, "Due in half a minute")
        # What a cache in front may still keep it for: ten seconds, to the moment.
        self.assertLessEqual(max_age(again) - int(again["Age"]), 10)

    def test_pages_that_are_not_kept_say_no_age(self):
        self.client.force_login(make_user(superuser=True))
        response = self.client.get(self.review.get_absolute_url())
        self.assertNotIn("Age", response)
        self.assertNotIn("X-Kdr-Made-At", response)
