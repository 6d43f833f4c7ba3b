from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import timezone

from reviews.models import Review
from reviews.services import publish_review, unpublish_review
from tests.clock import clock_at
from tests.factories import make_review, make_user


class PublishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", staff=True, perms=["reviews.publish_review"])
        cls.writer = make_user("writer", staff=True, perms=["reviews.change_review"])

    def test_publishing_now_makes_the_review_public_and_records_the_editor(self):
        review = make_review(published=False)
        publish_review(review=review, by=self.editor)
        review.refresh_from_db()
        self.assertEqual(review.status, Review.Status.PUBLISHED)
        self.assertTrue(review.is_published())
        self.assertEqual(review.last_edited_by, self.editor)
        self.assertIn(review, Review.objects.published())

    def test_a_future_time_schedules_the_review(self):
        review = make_review(published=False)
        moment = timezone.now() + timedelta(days=2)
        publish_review(review=review, by=self.editor, at=moment)
        review.refresh_from_db()
        self.assertEqual(review.status, Review.Status.SCHEDULED)
        self.assertNotIn(review, Review.objects.published())
        with clock_at(moment):
            self.assertIn(review, Review.objects.published())

    def test_republishing_a_live_review_keeps_its_original_publish_time(self):
        review = make_review()
        original = review.published_at
        publish_review(review=review, by=self.editor)
        review.refresh_from_db()
        self.assertEqual(review.published_at, original)

    def test_unpublishing_takes_it_off_the_site(self):
        review = make_review()
        unpublish_review(review=review, by=self.editor)
        review.refresh_from_db()
        self.assertEqual(review.status, Review.Status.DRAFT)
        self.assertNotIn(review, Review.objects.published())

    def test_only_users_with_the_publish_permission_may_publish_or_unpublish(self):
        draft = make_review(published=False)
        live = make_review()
        with self.assertRaises(PermissionDenied):
            publish_review(review=draft, by=self.writer)
        with self.assertRaises(PermissionDenied):
            unpublish_review(review=live, by=self.writer)
        draft.refresh_from_db()
        live.refresh_from_db()
        self.assertEqual(draft.status, Review.Status.DRAFT)
        self.assertEqual(live.status, Review.Status.PUBLISHED)
