"""The permission matrix: every role against every review admin view and
action, by GET and POST, checked on the server (forged requests included)."""

from datetime import time, timedelta

from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from reviews.models import Review, Revision, Tag
from reviews.services import record_revision, schedule_update
from reviews.services.snapshots import snapshot
from tests.factories import make_column, make_review, make_role_user, make_user, review_form

ROLES = ("anonymous", "writer", "editor", "desk", "superuser")
LOGIN = "login"


class PermissionMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "writer": make_role_user("Writer", "writer", author_name="Mina Park"),
            "editor": make_role_user("Editor", "editor"),
            "desk": make_role_user("Desk", "desk"),
            "superuser": make_user("boss", superuser=True),
        }
        cls.other_writer = make_role_user("Writer", "other", author_name="Joel Fernandes")
        for name in ("Run On", "Rewind"):  # the form's tags: writers use existing ones
            Tag.objects.create(name=name)
        writer_author = cls.users["writer"].author
        cls.own_draft = make_review("Own draft", published=False, author=writer_author)
        cls.own_in_review = make_review("Own in review", status="review", author=writer_author)
        cls.others_draft = make_review(
            "Their draft", published=False, author=cls.other_writer.author
        )
        cls.live = make_review("Live", author=writer_author)
        cls.scheduled = make_review(
            "Scheduled",
            status=Review.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=2),
            author=writer_author,
        )
        cls.column = make_column(
            "K-Drama Rewind", cadence_weeks=1, cadence_weekday=4, cadence_time=time(9, 0)
        )
        for review in (cls.own_draft, cls.live):
            record_revision(review=review, by=None)
        content = {**snapshot(cls.live), "title": "Updated later"}
        cls.update = schedule_update(
            review=cls.live, content=content, at=timezone.now() + timedelta(days=1), by=None
        )

    def login(self, role):
        self.client.logout()
        if role != "anonymous":
            self.client.force_login(self.users[role])

    def outcome(self, response):
        if response.status_code == 302 and "/admin/login/" in response["Location"]:
            return LOGIN
        return response.status_code

    def check(self, method, url, expected, data=None):
        for role, status in zip(ROLES, expected, strict=True):
            with self.subTest(role=role, method=method, url=url), transaction.atomic():
                self.login(role)
                call = self.client.get if method == "GET" else self.client.post
                response = call(url, data or {})
                self.assertEqual(self.outcome(response), status)
                transaction.set_rollback(True)

    def change(self, review):
        return f"/admin/reviews/review/{review.pk}/change/"

    def test_lists_and_pages(self):
        revision = self.own_draft.revisions.first()
        cases = [
            ("GET", "/admin/reviews/review/", (LOGIN, 200, 200, 200, 200)),
            ("GET", "/admin/reviews/review/add/", (LOGIN, 200, 200, 403, 200)),
            ("GET", self.change(self.own_draft), (LOGIN, 200, 200, 200, 200)),
            (
                "GET",
                f"/admin/reviews/review/{self.own_draft.pk}/delete/",
                (LOGIN, 403, 200, 403, 200),
            ),
            (
                "GET",
                f"/admin/reviews/review/{self.own_draft.pk}/history/",
                (LOGIN, 200, 200, 200, 200),
            ),
            (
                "GET",
                f"/admin/reviews/review/{self.own_draft.pk}/history/{revision.pk}/",
                (LOGIN, 200, 200, 200, 200),
            ),
            (
                "GET",
                f"/admin/reviews/review/{self.own_draft.pk}/history/compare/"
                f"?a={revision.pk}&b={revision.pk}",
                (LOGIN, 200, 200, 200, 200),
            ),
            ("GET", "/admin/reviews/column/calendar/", (LOGIN, 200, 200, 200, 200)),
        ]
        for method, url, expected in cases:
            self.check(method, url, expected)

    def test_saving_reviews(self):
        writer_author = self.users["writer"].author
        new = review_form(writer_author, slug="brand-new")
        self.check("POST", "/admin/reviews/review/add/", (LOGIN, 302, 302, 403, 302), new)
        for review, expected in [
            (self.own_draft, (LOGIN, 302, 302, 403, 302)),
            (self.others_draft, (LOGIN, 403, 302, 403, 302)),
            (self.live, (LOGIN, 403, 302, 403, 302)),
        ]:
            data = review_form(
                review.author,
                title=review.title,
                slug=review.slug,
                opened_version=review.version,
                status=review.status,
            )
            if review.published_at:
                at = timezone.localtime(review.published_at)
                data.update(published_at_0=f"{at:%Y-%m-%d}", published_at_1=f"{at:%H:%M:%S.%f}")
            self.check("POST", self.change(review), expected, data)
        delete = f"/admin/reviews/review/{self.others_draft.pk}/delete/"
        self.check("POST", delete, (LOGIN, 403, 302, 403, 302), {"post": "yes"})

    def test_history_actions(self):
        revision = self.own_draft.revisions.first()
        live_revision = self.live.revisions.exclude(kind=Revision.Kind.SCHEDULED_UPDATE).first()
        base = "/admin/reviews/review"
        self.check(
            "POST",
            f"{base}/{self.own_draft.pk}/history/{revision.pk}/restore/",
            (LOGIN, 302, 302, 403, 302),
        )
        self.check(
            "POST",
            f"{base}/{self.live.pk}/history/{live_revision.pk}/restore/",
            (LOGIN, 403, 302, 403, 302),
        )
        self.check(
            "POST",
            f"{base}/{self.live.pk}/history/{self.update.pk}/cancel/",
            (LOGIN, 403, 302, 302, 302),
        )

    def test_calendar(self):
        friday = self.column.slots_between(timezone.now(), timezone.now() + timedelta(weeks=1))[0]
        data = {"review": self.own_in_review.pk, "column": self.column.pk, "at": friday.isoformat()}
        self.check(
            "POST", "/admin/reviews/column/calendar/assign/", (LOGIN, 403, 302, 302, 302), data
        )
        self.check("POST", "/admin/reviews/column/calendar/feed/", (LOGIN, 302, 302, 302, 302))

    def test_actions(self):
        cases = [
            (
                "submit_selected",
                self.own_draft,
                "status",
                "review",
                (False, True, True, False, True),
            ),
            (
                "approve_selected",
                self.own_in_review,
                "status",
                "published",
                (False, False, True, False, True),
            ),
            (
                "publish_now",
                self.own_draft,
                "status",
                "published",
                (False, False, True, False, True),
            ),
            (
                "cancel_schedules",
                self.scheduled,
                "status",
                "review",
                (False, False, True, True, True),
            ),
            ("move_to_draft", self.live, "status", "draft", (False, False, True, False, True)),
        ]
        for action, review, field, after, allowed in cases:
            for role, may in zip(ROLES, allowed, strict=True):
                with self.subTest(action=action, role=role), transaction.atomic():
                    self.login(role)
                    self.client.post(
                        "/admin/reviews/review/",
                        {"action": action, "_selected_action": [review.pk], "index": "0"},
                    )
                    current = Review.objects.values_list(field, flat=True).get(pk=review.pk)
                    self.assertEqual(current == after, may)
                    transaction.set_rollback(True)

    def test_delete_selected(self):
        for role, may in zip(ROLES, (False, False, True, False, True), strict=True):
            with self.subTest(role=role), transaction.atomic():
                self.login(role)
                self.client.post(
                    "/admin/reviews/review/",
                    {
                        "action": "delete_selected",
                        "_selected_action": [self.others_draft.pk],
                        "post": "yes",
                    },
                )
                self.assertEqual(not Review.objects.filter(pk=self.others_draft.pk).exists(), may)
                transaction.set_rollback(True)

    def test_every_admin_post_needs_a_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users["superuser"])
        revision = self.own_draft.revisions.first()
        for url in [
            "/admin/reviews/review/add/",
            self.change(self.own_draft),
            f"/admin/reviews/review/{self.own_draft.pk}/history/{revision.pk}/restore/",
            f"/admin/reviews/review/{self.live.pk}/history/{self.update.pk}/cancel/",
            "/admin/reviews/column/calendar/assign/",
            "/admin/reviews/column/calendar/feed/",
            "/admin/reviews/review/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(client.post(url, {}).status_code, 403)
