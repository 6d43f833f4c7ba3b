"""Two editors moving the same review at once: exactly one move happens."""

import threading
from unittest import skipUnless

from django.db import connection, connections
from django.test import TestCase, TransactionTestCase

from reviews.models import Review, Revision
from reviews.services import publish_review
from reviews.services.workflow import TransitionError, return_to_draft
from tests.factories import make_author, make_review, make_role_user


def in_review(author):
    return make_review("Ready to go", published=False, status=Review.Status.REVIEW, author=author)


def status_moves(review):
    return Revision.objects.filter(review=review, kind=Revision.Kind.STATUS).count()


class StaleCopyTests(TestCase):
    def setUp(self):
        self.first = make_role_user("Editor", "first")
        self.second = make_role_user("Editor", "second")
        self.review = in_review(make_author("Mina Park"))

    def test_publishing_what_someone_just_published_does_nothing_more(self):
        theirs = Review.objects.get(pk=self.review.pk)
        mine = Review.objects.get(pk=self.review.pk)
        publish_review(review=theirs, by=self.first)
        published_at = Review.objects.get(pk=self.review.pk).published_at
        result = publish_review(review=mine, by=self.second)
        self.assertEqual(result.status, Review.Status.PUBLISHED)
        self.assertEqual(result.published_at, published_at)
        self.assertEqual(status_moves(self.review), 1)

    def test_a_different_move_on_a_stale_copy_is_refused(self):
        theirs = Review.objects.get(pk=self.review.pk)
        mine = Review.objects.get(pk=self.review.pk)
        publish_review(review=theirs, by=self.first)
        with self.assertRaisesMessage(TransitionError, "Someone else changed this review"):
            return_to_draft(review=mine, by=self.second)
        self.assertEqual(Review.objects.get(pk=self.review.pk).status, Review.Status.PUBLISHED)


@skipUnless(connection.vendor == "postgresql", "real concurrent transactions")
class SimultaneousPublishTests(TransactionTestCase):
    serialized_rollback = True  # keep the groups and data migrations made

    def test_two_editors_publishing_at_the_same_moment_publish_once(self):
        editors = [make_role_user("Editor", f"editor{i}") for i in range(2)]
        review = in_review(make_author("Mina Park"))
        start = threading.Barrier(2)
        results, errors = [], []

        def publish(editor):
            try:
                copy = Review.objects.get(pk=review.pk)
                start.wait()
                results.append(publish_review(review=copy, by=editor))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish, args=(editor,)) for editor in editors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual([r.status for r in results], [Review.Status.PUBLISHED] * 2)
        self.assertEqual(status_moves(review), 1)
