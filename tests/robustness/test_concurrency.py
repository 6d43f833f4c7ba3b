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
from unittest import mock, skipUnless

from django.conf import settings
from django.db import connection, connections, transaction
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from django.utils import timezone

from people.models import Person
from reviews.models import Review, Revision, Tag
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


@skipUnless(connection.vendor == "postgresql", "PostgreSQL keeps when a tag is first live")
class TaggingWhilePublishingTests(TransactionTestCase):
    serialized_rollback = True  # keep the groups and data migrations made

    def test_a_tag_added_while_its_review_is_being_published_is_in_use(self):
        """One transaction publishes a draft; before it commits, another tags
        the draft by hand. Each works out when the tags are first live: the
        tagging waits for the publishing, so the new tag is in use."""
        review = make_review("A draft", published=False)
        published, release = threading.Event(), threading.Event()
        errors = []

        def publish():
            try:
                with transaction.atomic():
                    Review.objects.filter(pk=review.pk).update(
                        status=Review.Status.PUBLISHED, published_at=timezone.now()
                    )
                    published.set()
                    release.wait(timeout=10)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                connections.close_all()

        def tag():
            try:
                published.wait(timeout=10)
                Review.objects.get(pk=review.pk).tags.add("Added meanwhile")
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish), threading.Thread(target=tag)]
        for thread in threads:
            thread.start()
        threads[1].join(timeout=0.5)  # the tagging, under way meanwhile
        release.set()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(
            list(Tag.objects.in_use().values_list("name", flat=True)), ["Added meanwhile"]
        )


class EditorsAndReadersTogetherTests(SimpleTestCase):
    """Several editors saving one review through the admin while readers
    read it, each in a process of its own against one database: no
    "database is locked", no error page, and no lost update (every save the
    admin accepted moved the version by exactly one; the others were told
    someone had saved in between)."""

    EDITORS, READERS, SECONDS = 3, 2, 6

    def test_on_this_database(self):
        counts, lines = self.run_harness(
            *(["editor", str(n), str(self.SECONDS)] for n in range(self.EDITORS)),
            *(["reader", str(self.SECONDS)] for _ in range(self.READERS)),
        )
        self.assertGreater(sum(counts("reads")), 0, lines)
        print(  # shown with pytest -s
            f"\n{connection.vendor}: {sum(counts('saved'))} saves, {sum(counts('conflicts'))} "
            f"conflicts reported, {sum(counts('reads'))} pages read in {self.SECONDS} s"
        )

    def test_an_import_while_editors_save_loses_nothing(self):
        """The importer reads the review's version, spends a while on a large
        image, then saves through the editing service: when an editor saved
        meanwhile, the import is refused and says so, and no save is lost."""
        counts, lines = self.run_harness(
            *(["editor", str(n), str(self.SECONDS)] for n in range(2)),
            ["importer", str(self.SECONDS)],
        )
        self.assertGreater(sum(counts("imported")) + sum(counts("import_conflicts")), 0, lines)
        print(
            f"\n{connection.vendor}: {sum(counts('saved'))} editor saves, "
            f"{sum(counts('imported'))} imports, {sum(counts('import_conflicts'))} imports "
            f"refused as conflicts in {self.SECONDS} s"
        )

    def run_harness(self, *commands):
        """Run the harness's processes against a database of their own and
        check what every run must show: no errors, and the review's version
        moved by exactly the number of saves the editors and the importer
        were told succeeded."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        env.update(
            DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="kdrama_rewind.settings"
        )
        with self.database() as url, tempfile.TemporaryDirectory() as media:
            env["DATABASE_URL"], env["MEDIA_ROOT"] = url, media
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
                for command in commands
            ]
            outputs = [process.communicate(timeout=180) for process in processes]
            final = run([sys.executable, "-c", FINAL_VERSION])
        lines = "\n".join(out for out, _ in outputs)
        problems = "\n".join(err for _, err in outputs if err.strip())
        counts = lambda name: [int(n) for n in re.findall(rf"\b{name}=(\d+)", lines)]  # noqa: E731
        self.assertEqual(problems, "")
        self.assertEqual(sum(counts("errors")), 0, lines)
        self.assertGreater(sum(counts("saved")), 0, lines)
        last = int(final.stdout.strip())
        self.assertEqual(last - first, sum(counts("saved")) + sum(counts("imported")), lines)
        return counts, lines

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


HARNESS = "tests.robustness.concurrency_harness"
FINAL_VERSION = (
    "import django; django.setup(); from reviews.models import Review; "
    "print(Review.objects.get(slug='shared-by-every-editor').version)"
)


@skipUnless(connection.vendor == "postgresql", "real concurrent transactions")
class RacingChangesTests(TransactionTestCase):
    """Changes that start from the same version at the same moment, each in a
    thread with its own database connection: exactly one is made, the
    other is refused and says why; versions only move forward."""

    serialized_rollback = True

    def race(self, *changes):
        start = threading.Barrier(len(changes))
        outcomes = [None] * len(changes)

        def run(index, change):
            try:
                outcomes[index] = ("done", change(start))
            except Exception as error:  # the refusal is the point
                outcomes[index] = ("refused", error)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=run, args=(i, change)) for i, change in enumerate(changes)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return outcomes

    def test_a_restore_racing_a_save(self):
        from reviews.services import EditConflict, ReviewEdit, edit_review, restore_revision

        editor = make_role_user("Editor", "eddie")
        review = make_review("First words", author=make_author("Mina Park"))
        edit_review(
            review=review, edit=ReviewEdit(fields={"title": "Second words"}), by=editor, via="x"
        )
        first = review.revisions.create(
            version=0,
            kind=Revision.Kind.EDIT,
            snapshot={**review.revisions.get().snapshot, "title": "First words"},
        )
        seen = Review.objects.get(pk=review.pk).version

        def restore(start):
            copy = Review.objects.get(pk=review.pk)
            start.wait()
            return restore_revision(review=copy, revision=first, by=editor, based_on=seen)

        def save(start):
            copy = Review.objects.get(pk=review.pk)
            start.wait()
            return edit_review(
                review=copy,
                edit=ReviewEdit(fields={"standfirst": "Saved"}),
                by=editor,
                via="the review form",
                based_on=seen,
            )

        outcomes = self.race(restore, save)
        self.assertEqual(sorted(kind for kind, _ in outcomes), ["done", "refused"], outcomes)
        refused = next(error for kind, error in outcomes if kind == "refused")
        self.assertIsInstance(refused, EditConflict)
        self.assertEqual(Review.objects.get(pk=review.pk).version, seen + 1)

    def test_editors_moving_reviews_that_share_up_next_lists_at_once(self):
        """Each move remakes the Up Next lists of the reviews around it; with
        every review in one tag, every move remakes every list. Moves made
        at the same moment all go through, none deadlocks or writes a list
        twice, and each list ends up as a fresh rebuild would make it."""
        from reviews.models import UpNextEntry
        from reviews.services.up_next import refresh_up_next
        from reviews.services.workflow import unpublish_review

        editor = make_role_user("Editor", "eddie")
        author = make_author("Mina Park")
        reviews = [
            make_review(f"Office life {i}", author=author, tags=["Office"]) for i in range(4)
        ]

        def moving(review):
            def change(start):
                start.wait()
                for _ in range(4):
                    copy = unpublish_review(review=Review.objects.get(pk=review.pk), by=editor)
                    publish_review(review=copy, by=editor)
                return True

            return change

        outcomes = self.race(*(moving(review) for review in reviews))
        self.assertEqual([kind for kind, _ in outcomes], ["done"] * len(reviews), outcomes)
        stored = {
            pk: list(
                UpNextEntry.objects.filter(review_id=pk).values_list("candidate_id", flat=True)
            )
            for pk in (r.pk for r in reviews)
        }
        refresh_up_next(review_ids=stored)
        for pk, candidates in stored.items():
            again = UpNextEntry.objects.filter(review_id=pk).values_list("candidate_id", flat=True)
            self.assertEqual(sorted(candidates), sorted(again), pk)
            self.assertEqual(len(candidates), len(set(candidates)), pk)

    def test_two_imports_of_one_file_at_once(self):
        from pathlib import Path

        from reviews.interchange import ImportFailed, import_review_file, importer

        folder = Path(tempfile.mkdtemp(prefix="kdr-race-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        text = (
            '+++\ntitle = "Twice at once"\nauthor = "Mina Park"\nstatus = "draft"\n'
            'tags = ["Run On"]\n[drama]\ntitle = "Run On"\nyear = 2020\n'
            '[[cast]]\nperson = "Im Si-wan"\ncharacter = "Ki Seon-gyeom"\n+++\nWords.\n'
        )
        (folder / "twice.md").write_text(text, encoding="utf-8")
        (folder / "changed.md").write_text(text.replace("Words.", "Other words."), encoding="utf-8")
        real = importer.read_hero
        barrier = {}

        def read_then_wait(*args, **kwargs):
            hero = real(*args, **kwargs)
            barrier["start"].wait()
            return hero

        def importing(name):
            def change(start):
                barrier["start"] = start
                return import_review_file(path=folder / name)

            return change

        with mock.patch.object(importer, "read_hero", read_then_wait):
            # Both find no review, and both would create it.
            created = self.race(importing("twice.md"), importing("twice.md"))
            # Both start from the same version of it, and both would change it.
            changed = self.race(importing("changed.md"), importing("changed.md"))
        for outcomes in (created, changed):
            self.assertEqual(sorted(kind for kind, _ in outcomes), ["done", "refused"], outcomes)
            refused = next(error for kind, error in outcomes if kind == "refused")
            self.assertIsInstance(refused, ImportFailed)
            self.assertIn("run again", str(refused))
        self.assertEqual(Review.objects.count(), 1)
        review = Review.objects.get()
        self.assertEqual((review.body.strip(), review.version), ("Other words.", 2))
        self.assertEqual(Person.objects.filter(name="Im Si-wan").count(), 1)
