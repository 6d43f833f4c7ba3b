"""The admin's home page: what each role sees, and what it costs."""

import io
from datetime import time, timedelta

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from reviews.models import Comment, Correction, Notification, Review, SendBack
from tests.clock import clock_at
from tests.factories import make_column, make_review, make_role_user, make_user

NOW = timezone.make_aware(timezone.datetime(2026, 9, 2, 15, 0))  # a Wednesday, in Dubai


def panels(response, role: str) -> dict[str, list[str]]:
    """Each panel of a part of the dashboard, as the headlines of its rows."""
    board = response.context["dashboard"]
    return {
        panel.title: [str(row) if panel.kind != "slots" else row for row in panel.shown]
        for panel in getattr(board, role)
    }


class DashboardFixtures:
    @classmethod
    def build(cls):
        with clock_at(NOW - timedelta(minutes=5)):
            cls.make_fixtures()

    @classmethod
    def make_fixtures(cls):
        cls.writer = make_role_user("Writer", "mina", author_name="Mina Park")
        cls.other = make_role_user("Writer", "joel", author_name="Joel Fernandes")
        cls.editor = make_role_user("Editor", "eddie")
        cls.desk = make_role_user("Desk", "dana")
        mine, theirs = cls.writer.author, cls.other.author
        cls.draft = make_review("My fresh draft", published=False, author=mine)
        cls.sent_back = make_review("My sent-back draft", published=False, author=mine)
        SendBack.objects.create(
            review=cls.sent_back, note="Cut the second paragraph.", created_by=cls.editor
        )
        cls.waiting = make_review(
            "Mine, waiting", status="review", author=mine, submitted_at=NOW - timedelta(days=3)
        )
        cls.waiting_longer = make_review(
            "Theirs, waiting longer",
            status="review",
            author=theirs,
            submitted_at=NOW - timedelta(days=5),
        )
        cls.scheduled = make_review(
            "Mine, out tomorrow",
            status="scheduled",
            author=mine,
            published_at=NOW + timedelta(days=1),
        )
        cls.far = make_review(
            "Theirs, out next month",
            status="scheduled",
            author=theirs,
            published_at=NOW + timedelta(days=30),
        )
        cls.today = make_review(
            "Mine, out this morning", author=mine, published_at=NOW - timedelta(hours=5)
        )
        Correction.objects.create(
            review=cls.today, text="The episode was the ninth.", noted_at=NOW - timedelta(hours=1)
        )
        cls.old = make_review(
            "Mine, out last year", author=mine, published_at=NOW - timedelta(days=400)
        )
        cls.stale = make_review("Theirs, forgotten", published=False, author=theirs)
        Review.objects.filter(pk=cls.stale.pk).update(modified_at=NOW - timedelta(days=20))
        Comment.objects.create(
            review=cls.waiting, author=cls.editor, text="Tighten the ending.", version=1
        )
        cls.column = make_column(
            "K-Drama Rewind", cadence_weeks=1, cadence_weekday=3, cadence_time=time(9, 0)
        )  # Thursdays at 09:00: the next slot is tomorrow, and empty


class DashboardContentTests(DashboardFixtures, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def open_as(self, user):
        self.client.force_login(user)
        with clock_at(NOW):
            response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_a_writer_sees_their_own_work(self):
        response = self.open_as(self.writer)
        self.assertEqual(
            panels(response, "writer"),
            {
                "Sent back to me": ["My sent-back draft"],
                "My drafts": ["My fresh draft"],
                "In review": ["Mine, waiting"],
                "Scheduled": ["Mine, out tomorrow"],
                "Recently published": ["Mine, out this morning"],
            },
        )
        self.assertEqual(response.context["dashboard"].editor, [])
        self.assertEqual(response.context["dashboard"].desk, [])
        self.assertContains(response, "Cut the second paragraph.")
        self.assertContains(response, "The episode was the ninth.")
        self.assertContains(response, "1 open comment")
        self.assertNotContains(response, "Theirs, waiting longer")
        self.assertContains(response, f'href="/admin/reviews/review/{self.sent_back.pk}/change/"')

    def test_an_editor_sees_what_waits_for_them(self):
        response = self.open_as(self.editor)
        self.assertEqual(
            panels(response, "editor"),
            {
                "Waiting for review": ["Theirs, waiting longer", "Mine, waiting"],
                "Scheduled in the next 7 days": ["Mine, out tomorrow"],
                "Published today": ["Mine, out this morning"],
                "Stale drafts": ["Theirs, forgotten"],
            },
        )
        self.assertContains(response, "waiting 5\xa0days")
        self.assertContains(response, "untouched for 2\xa0weeks, 6\xa0days")
        self.assertEqual(response.context["dashboard"].writer, [])

    def test_the_desk_sees_the_next_slots_and_their_warnings(self):
        response = self.open_as(self.desk)
        board = response.context["dashboard"]
        self.assertEqual([p.title for p in board.desk], ["Next slots: K-Drama Rewind"])
        first = board.desk[0].shown[0]
        self.assertEqual(first.at, timezone.make_aware(timezone.datetime(2026, 9, 3, 9, 0)))
        self.assertEqual(first.warnings, ["Empty, and due in 18 hours."])
        self.assertContains(response, "Empty, and due in 18 hours.")
        self.assertEqual((board.writer, board.editor), ([], []))

    def test_a_slot_with_an_unapproved_review_is_flagged(self):
        slot = timezone.make_aware(timezone.datetime(2026, 9, 3, 9, 0))
        Review.objects.filter(pk=self.draft.pk).update(column=self.column, published_at=slot)
        response = self.open_as(self.desk)
        self.assertIn(
            "“My fresh draft” is draft, not approved, and is due in 18 hours.",
            response.context["dashboard"].desk[0].shown[0].warnings,
        )

    def test_notifications_are_listed_with_the_number_unread(self):
        for n in range(3):
            Notification.objects.create(
                recipient=self.writer,
                kind="comment",
                event=f"comment:{n}",
                message=f"Someone commented ({n})",
                url="/admin/",
                read_at=NOW if n == 0 else None,
            )
        response = self.open_as(self.writer)
        self.assertContains(response, "(2 new)")
        self.assertContains(response, "Someone commented (2)")

    def test_a_writer_without_a_byline_is_told_how_to_get_one(self):
        response = self.open_as(make_role_user("Writer", "newcomer"))
        self.assertContains(response, "not linked to a byline")

    def test_a_superuser_sees_every_part(self):
        response = self.open_as(make_user("boss", superuser=True))
        board = response.context["dashboard"]
        self.assertTrue(board.editor and board.desk)
        self.assertContains(response, "/admin/reviews/review/")  # Django's list of models too

    def test_the_dashboard_needs_a_staff_login(self):
        self.assertRedirects(
            self.client.get("/admin/"), "/admin/login/?next=/admin/", fetch_redirect_response=False
        )


class DashboardQueryCountTests(DashboardFixtures, TestCase):
    """The page reads the same number of rows-sets however much there is."""

    # session, user, the user's and their groups' permissions, then per part:
    # writer: their byline, sent back (+ the notes), drafts, in review,
    # scheduled, recently published (+ corrections); editor: their byline,
    # waiting, scheduled, today, stale, and the desk's part (editors plan
    # the calendar too); desk: columns, reviews in the calendar's window;
    # everyone: latest notifications and the unread count.
    expected = {"writer": 14, "editor": 13, "desk": 8}

    @classmethod
    def setUpTestData(cls):
        cls.build()

    def grow(self, n):
        for i in range(n):
            for author in (self.writer.author, self.other.author):
                draft = make_review(f"Draft {author} {i}", published=False, author=author)
                SendBack.objects.create(review=draft, note="Again.", created_by=self.editor)
                waiting = make_review(
                    f"Waiting {author} {i}", status="review", author=author, submitted_at=NOW
                )
                Comment.objects.create(
                    review=waiting, author=self.editor, text="A note.", version=1
                )
                live = make_review(
                    f"Live {author} {i}", author=author, published_at=NOW - timedelta(hours=i + 1)
                )
                Correction.objects.create(review=live, text="Fixed.", noted_at=NOW)
                make_review(
                    f"Soon {author} {i}",
                    status="scheduled",
                    author=author,
                    published_at=NOW + timedelta(days=1, minutes=i),
                    column=self.column,
                )
            for user in (self.writer, self.editor, self.desk):
                Notification.objects.create(
                    recipient=user,
                    kind="comment",
                    event=f"grow:{n}:{i}",
                    message="x",
                    url="/admin/",
                )

    def assert_flat(self, role, user):
        self.client.force_login(user)
        for n in (1, 10):
            self.grow(n)
            with self.subTest(role=role, grown=n), clock_at(NOW):
                with self.assertNumQueries(self.expected[role]):
                    self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_writer(self):
        self.assert_flat("writer", self.writer)

    def test_editor(self):
        self.assert_flat("editor", self.editor)

    def test_desk(self):
        self.assert_flat("desk", self.desk)


class DashboardOverALargeArchiveTests(DashboardFixtures, TestCase):
    """The same counts over a generated archive of thousands of reviews, with
    hundreds in review, sent back and commented on."""

    @classmethod
    def setUpTestData(cls):
        cls.build()
        call_command(
            "generate_archive",
            "--reviews=2500",
            "--dramas=60",
            "--people=120",
            "--quotes=300",
            stdout=io.StringIO(),
        )
        synthetic = Review.objects.filter(slug__startswith="synthetic-")
        author = synthetic.first().author
        author.user = make_role_user("Writer", "prolific")
        author.save()
        cls.prolific = author.user
        own = list(
            synthetic.filter(author=author, status="published").values_list("pk", flat=True)[:10]
        )
        recent, drafts = own[:5], own[5:]
        Review.objects.filter(pk__in=recent).update(published_at=NOW - timedelta(days=1))
        Correction.objects.create(review_id=recent[0], text="Fixed.", noted_at=NOW)
        Review.objects.filter(pk__in=drafts).update(status="draft")
        SendBack.objects.bulk_create(
            SendBack(review_id=pk, note="Shorter, please.", created_by=cls.editor) for pk in drafts
        )
        others = synthetic.exclude(author=author).filter(status="published")
        in_review = list(others.values_list("pk", flat=True)[:300])
        Review.objects.filter(pk__in=in_review).update(status="review", submitted_at=NOW)
        Comment.objects.bulk_create(
            Comment(review_id=pk, author=cls.editor, text="Look again.", version=1)
            for pk in in_review
        )

    def test_query_counts_do_not_grow_with_the_archive(self):
        for role, user in (("writer", self.prolific), ("editor", self.editor), ("desk", self.desk)):
            self.client.force_login(user)
            with self.subTest(role=role), clock_at(NOW):
                with self.assertNumQueries(DashboardQueryCountTests.expected[role]):
                    response = self.client.get("/admin/")
                self.assertEqual(response.status_code, 200)

    def test_lists_are_cut_short_with_a_link_to_the_rest(self):
        self.client.force_login(self.editor)
        with clock_at(NOW):
            response = self.client.get("/admin/")
        waiting = response.context["dashboard"].editor[0]
        self.assertEqual(len(waiting.shown), 8)
        self.assertTrue(waiting.more)
        self.assertContains(response, "/admin/reviews/review/?state=review")
