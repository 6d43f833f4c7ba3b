"""Run by test_db_router.py in its own process, with a second database alias
(``DATABASE_REPLICA_URL``) that mirrors the primary: which alias each kind of
request reads from and writes to."""

from django.db import connections
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from people.models import Subscriber
from tests.factories import make_author, make_review, make_user


class ReadWriteSplitTests(TransactionTestCase):
    databases = {"default", "replica"}

    def setUp(self):
        self.review = make_review("Read from the replica", author=make_author("Mina Park"))

    def queries(self, request):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            response = request()
        return response, len(primary), len(replica)

    def test_a_reader_s_page_is_read_from_the_replica(self):
        response, primary, replica = self.queries(
            lambda: self.client.get(self.review.get_absolute_url())
        )
        self.assertContains(response, "Read from the replica")
        self.assertEqual(primary, 0)
        self.assertGreater(replica, 0)

    def test_a_form_post_reads_and_writes_on_the_primary(self):
        response, primary, replica = self.queries(
            lambda: self.client.post("/newsletter/", {"email": "reader@example.com"})
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Subscriber.objects.filter(email="reader@example.com").exists())
        self.assertGreater(primary, 0)
        self.assertEqual(replica, 0)

    def test_staff_read_from_the_primary(self):
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        response, primary, replica = self.queries(
            lambda: self.client.get(self.review.get_absolute_url())
        )
        self.assertEqual(response.status_code, 200)
        self.assertGreater(primary, 0)
        self.assertEqual(replica, 0)
