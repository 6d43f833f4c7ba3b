"""What the site tells a cache in front (kdrama_rewind/front_cache.py): how
long it may keep a public page, said afresh on every response."""

import re
from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.test.signals import template_rendered
from django.utils import timezone

from kdrama_rewind.page_cache import content_changed
from reviews.services.workflow import publish_review
from tests.clock import clock_at
from tests.factories import make_review, make_user
from tests.sample_site import PublicSiteTestCase


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1])


@override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300)
class SharedCacheHeadersTests(PublicSiteTestCase):
    def setUp(self):
        cache.clear()

    def test_a_public_page_may_be_kept_by_the_shared_cache_for_the_page_cache_lifetime(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertEqual(response["Surrogate-Control"], "max-age=300")
        self.assertIn("public", response["Cache-Control"])
        self.assertEqual(max_age(response), 60)  # browsers are not purged

    def test_the_lifetime_ends_at_the_next_scheduled_moment_even_for_a_page_from_the_cache(self):
        start = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            publish_review(
                review=make_review("Due soon", published=False),
                by=make_user(superuser=True),
                at=start + timedelta(seconds=100),
            )
        with clock_at(start):
            first = self.client.get(self.review.get_absolute_url())
        self.assertEqual(first["Surrogate-Control"], "max-age=100")
        with clock_at(start + timedelta(seconds=90)):
            again = self.client.get(self.review.get_absolute_url())
        self.assertTrue(again.from_page_cache)
        self.assertEqual(again["Surrogate-Control"], "max-age=10")
        self.assertLessEqual(max_age(again), 10)

    def test_a_page_made_while_content_changed_is_not_kept(self):
        """It may show the old content and reach the cache after the purge."""
        changed = []

        def change_once(**kwargs):
            if not changed:
                changed.append(True)
                content_changed()

        template_rendered.connect(change_once)
        self.addCleanup(template_rendered.disconnect, change_once)
        response = self.client.get(self.review.get_absolute_url())
        self.assertEqual(response["Surrogate-Control"], "no-store")
        self.assertEqual(max_age(response), 0)
        again = self.client.get(self.review.get_absolute_url())
        self.assertEqual(again["Surrogate-Control"], "max-age=300")

    def test_staff_and_previews_get_no_shared_lifetime(self):
        self.client.force_login(make_user(superuser=True))
        response = self.client.get(self.review.get_absolute_url())
        self.assertNotIn("Surrogate-Control", response)
        draft = make_review("A draft", published=False)
        preview = self.client.get(draft.get_absolute_url())
        self.assertNotIn("Surrogate-Control", preview)
        self.assertIn("private", preview["Cache-Control"])
