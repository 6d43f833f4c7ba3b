"""Two editors moving the same review at once: exactly one move happens."""

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from unittest import skipUnless

from django.conf import settings
from django.db import connection, connections
from django.test import SimpleTestCase, TestCase, TransactionTestCase

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


class EditorsAndReadersTogetherTests(SimpleTestCase):
    """Several editors saving one review through the admin while readers
    read it, each in a process of its own against one database: no
    "database is locked", no error page, and no lost update (every save the
    admin accepted moved the version by exactly one; the others were told
    someone had saved in between)."""

    EDITORS, READERS, SECONDS = 3, 2, 6

    def test_on_this_database(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        env.update(
            DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="kdrama_rewind.settings"
        )
        with self.database() as url:
            env["DATABASE_URL"] = url
            run = functools.partial(
                subprocess.run, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
            )
            migrated = run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"])
            self.assertEqual(migrated.returncode, 0, migrated.stderr)
            seeded = run([sys.executable, "-m", HARNESS, "seed"])
            self.assertEqual(seeded.returncode, 0, seeded.stderr)
            first = int(re.search(r"version=(\d+)", seeded.stdout).group(1))
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", HARNESS, *command],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
                for command in [
                    *(["editor", str(n), str(self.SECONDS)] for n in range(self.EDITORS)),
                    *(["reader", str(self.SECONDS)] for _ in range(self.READERS)),
                ]
            ]
            outputs = [process.communicate(timeout=120) for process in processes]
            final = run([sys.executable, "-c", FINAL_VERSION])
        lines = "\n".join(out for out, _ in outputs)
        problems = "\n".join(err for _, err in outputs if err.strip())
        counts = lambda name: [int(n) for n in re.findall(rf"{name}=(\d+)", lines)]  # noqa: E731
        self.assertEqual(problems, "")
        self.assertEqual(sum(counts("errors")), 0, lines)
        self.assertGreater(sum(counts("saved")), 0, lines)
        self.assertGreater(sum(counts("reads")), 0, lines)
        last = int(final.stdout.strip())
        self.assertEqual(last - first, sum(counts("saved")), lines)
        print(  # shown with pytest -s
            f"\n{connection.vendor}: {sum(counts('saved'))} saves, {sum(counts('conflicts'))} "
            f"conflicts reported, {sum(counts('reads'))} pages read in {self.SECONDS} s"
        )

    @contextlib.contextmanager
    def database(self):
        if connection.vendor == "postgresql":
            name = f"kdr_concurrency_{os.getpid()}"
            base = settings.DATABASES["default"]
            dsn = ["-h", base["HOST"] or "127.0.0.1", "-p", str(base["PORT"] or 5432)]
            dsn += ["-U", base["USER"] or "postgres"]
            subprocess.run(["dropdb", "--if-exists", *dsn, name], check=True)
            subprocess.run(["createdb", *dsn, name], check=True)
            user = base["USER"] or "postgres"
            try:
                yield f"postgres://{user}@{dsn[1]}:{dsn[3]}/{name}"
            finally:
                subprocess.run(["dropdb", "--if-exists", "--force", *dsn, name], check=False)
        else:
            folder = tempfile.mkdtemp(prefix="kdr-concurrency-")
            try:
                yield f"sqlite:///{folder}/site.sqlite3"
            finally:
                shutil.rmtree(folder, ignore_errors=True)


HARNESS = "tests.reviews.concurrency_harness"
FINAL_VERSION = (
    "import django; django.setup(); from reviews.models import Review; "
    "print(Review.objects.get(slug='shared-by-every-editor').version)"
)
