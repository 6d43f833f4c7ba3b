"""When the database fails: a friendly 503, nothing half-saved, and the next
request works again by itself."""

import os
import subprocess
import sys
import time
from unittest import mock, skipUnless

from django.db import OperationalError, close_old_connections, connection
from django.test import Client, SimpleTestCase, TransactionTestCase, override_settings
from django.urls import path

from reviews.models import Review, Revision
from tests.factories import change_form_data, make_author, make_review, make_user

ON_POSTGRESQL = connection.vendor == "postgresql"
needs_postgresql = skipUnless(ON_POSTGRESQL, "PostgreSQL's own faults")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def slow_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")
        try:
            cursor.execute("SELECT pg_sleep(2)")
        finally:
            cursor.execute("SET statement_timeout = DEFAULT")


urlpatterns = [path("gone/", database_gone), path("slow/", slow_query)]
handler500 = "kdrama_rewind.web.errors.server_error"


def kill_own_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


class ServiceUnavailableTests(SimpleTestCase):
    @override_settings(ROOT_URLCONF=__name__)
    def test_a_lost_database_gives_a_friendly_503_to_try_again(self):
        response = Client(raise_request_exception=False).get("/gone/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertContains(response, "cannot reach its database", status_code=503)

    def test_a_database_that_is_down_answers_503_at_once(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
        env.update(
            DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing",  # nothing listens there
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="s" * 50,
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SETTINGS_MODULE="kdrama_rewind.settings",
        )
        code = (
            "import time, django; django.setup(); from django.test import Client; "
            "client = Client(raise_request_exception=False); started = time.monotonic(); "
            "response = client.get('/'); "
            "print(response.status_code, response['Retry-After'], time.monotonic() - started)"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        status, retry_after, seconds = result.stdout.split()
        self.assertEqual((status, retry_after), ("503", "30"), result.stderr[-2000:])
        self.assertLess(float(seconds), 2)


@needs_postgresql
class PostgreSQLFaultTests(TransactionTestCase):
    serialized_rollback = True  # keep the groups and data migrations made

    def setUp(self):
        self.review = make_review("Before the fault", author=make_author("Mina Park"))

    def test_a_restarted_server_is_reconnected_on_the_next_request(self):
        url = self.review.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 200)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        # What a restart does to every open connection:
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        close_old_connections()  # what the next request's start runs
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_connection_killed_mid_save_leaves_nothing_half_saved(self):
        editor = make_user(superuser=True)
        self.client.force_login(editor)
        data = change_form_data(self.client, self.review, title="After the fault")
        revisions = Revision.objects.count()
        from reviews.services import editing

        real = editing.record_revision

        def record_then_lose_the_connection(**kwargs):
            kill_own_connection()
            return real(**kwargs)

        client = Client(raise_request_exception=False)
        client.force_login(editor)
        with mock.patch.object(editing, "record_revision", record_then_lose_the_connection):
            response = client.post(f"/admin/reviews/review/{self.review.pk}/change/", data)
        self.assertEqual(response.status_code, 503)
        close_old_connections()
        self.review.refresh_from_db()
        self.assertEqual(self.review.title, "Before the fault")
        self.assertEqual(Revision.objects.count(), revisions)

    @override_settings(ROOT_URLCONF=__name__)
    def test_a_statement_over_its_time_limit_is_cancelled_with_a_503(self):
        started = time.monotonic()
        response = Client(raise_request_exception=False).get("/slow/")
        self.assertEqual(response.status_code, 503)
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertTrue(Review.objects.filter(pk=self.review.pk).exists())  # still usable
