import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.tasks import task
from django.test import RequestFactory, SimpleTestCase, override_settings
from django_tasks_db.models import DBTaskResult

from kdrama_rewind.data.db_router import PrimaryForStaffMiddleware, PrimaryReplicaRouter
from kdrama_rewind.models import RateCount
from reviews.models import Review


@task
def where_reviews_are_read() -> str:
    return PrimaryReplicaRouter().db_for_read(Review)


class RouterTests(SimpleTestCase):
    router = PrimaryReplicaRouter()

    @override_settings(READ_REPLICA="replica")
    def test_the_task_queue_and_rate_counts_always_read_from_the_primary(self):
        self.assertEqual(self.router.db_for_read(DBTaskResult), "default")
        self.assertEqual(self.router.db_for_read(RateCount), "default")

    @override_settings(READ_REPLICA="replica")
    def test_a_task_reads_from_the_primary_not_a_replica_that_may_lag(self):
        self.assertEqual(where_reviews_are_read.enqueue().return_value, "default")
        self.assertEqual(self.router.db_for_read(Review), "replica", "only while it runs")

    @override_settings(READ_REPLICA="replica")
    def test_reads_go_to_the_replica_and_writes_to_the_primary(self):
        self.assertEqual(self.router.db_for_read(Review), "replica")
        self.assertEqual(self.router.db_for_write(Review), "default")

    @override_settings(READ_REPLICA="replica")
    def test_logins_and_sessions_always_read_from_the_primary(self):
        self.assertEqual(self.router.db_for_read(get_user_model()), "default")
        self.assertEqual(self.router.db_for_read(Session), "default")

    def test_without_a_replica_everything_uses_the_primary(self):
        self.assertEqual(self.router.db_for_read(Review), "default")

    @override_settings(READ_REPLICA="replica")
    def test_migrations_run_on_the_primary_only(self):
        self.assertTrue(self.router.allow_migrate("default", "reviews"))
        self.assertFalse(self.router.allow_migrate("replica", "reviews"))

    @override_settings(READ_REPLICA="replica")
    def test_staff_and_writes_read_from_the_primary_during_their_request(self):
        seen = {}

        def view(request):
            seen[request.method] = self.router.db_for_read(Review)
            return None

        middleware = PrimaryForStaffMiddleware(view)
        factory = RequestFactory()
        reader = factory.get("/")
        reader.user = type("Anonymous", (), {"is_authenticated": False, "is_staff": False})()
        middleware(reader)
        self.assertEqual(seen["GET"], "replica")
        middleware(factory.post("/newsletter/"))
        self.assertEqual(seen["POST"], "default")
        self.assertEqual(self.router.db_for_read(Review), "replica", "only during the request")


class SecondAliasTests(SimpleTestCase):
    """The router with a real second alias in settings: the suite in
    replica_routing.py, run in its own process with DATABASE_REPLICA_URL."""

    def test_reads_and_writes_split_between_two_aliases(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        primary = settings.DATABASES["default"]
        if primary["ENGINE"].endswith("sqlite3"):
            replica_url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "replica.sqlite3")
        else:
            replica_url = os.environ["DATABASE_URL"]
        env["DATABASE_REPLICA_URL"] = replica_url
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-n", "0",
             "tests/kdrama_rewind/data/replica_routing.py"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stdout[-3000:] + result.stderr[-3000:])
        self.assertIn("3 passed", result.stdout)
