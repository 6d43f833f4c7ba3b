from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from reviews.models import Column, Drama, Genre, Review, Tag
from tests.admin_smoke import AdminSmokeMixin
from tests.factories import (
    image_bytes,
    image_upload,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
    make_user,
)

WRITER_PERMS = ["reviews.add_review", "reviews.change_review", "reviews.view_review"]


def review_form(author, **overrides):
    """The fields the review add/change form posts, filled for a draft."""
    data = {
        "title": "Run On, rewatched",
        "slug": "run-on-rewatched",
        "standfirst": "A gentle drama about running.",
        "author": author.pk,
        "column": "",
        "body": "It’s a quiet drama.\n\nAnd a kind one.",
        "hero_alt": "",
        "hero_caption": "",
        "hero_credit": "",
        "tags": "Run On, Rewind",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
    }
    data.update(overrides)
    return data


class ReviewsAdminSmokeTests(AdminSmokeMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", superuser=True)
        cls.drama = make_drama("Run On", network="JTBC")
        cls.drama.genres.add(Genre.objects.create(name="Romance"))
        cls.character = make_character(
            cls.drama, "Oh Mi-joo", played_by=make_person("Shin Se-kyung")
        )
        cls.quote = make_quote(cls.character, "A line.")
        cls.column = make_column("K-Drama Rewind")
        cls.review = make_review(
            "A review",
            column=cls.column,
            dramas=[cls.drama],
            tags=["Run On"],
            hero_image=image_upload(size=(600, 400)),
            hero_alt="Alt",
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_every_admin_page_opens(self):
        objects = [
            self.review,
            self.drama,
            self.character,
            self.quote,
            self.column,
            Genre.objects.get(),
            Tag.objects.get(name="Run On"),
        ]
        for obj in objects:
            self.assert_admin_pages_open(obj)

    def test_view_on_site_and_thumbnail_on_the_change_page(self):
        response = self.client.get(f"/admin/reviews/review/{self.review.pk}/change/")
        self.assertContains(response, "View on site")
        self.assertContains(response, self.review.hero_image.renditions[0].url)

    def test_the_review_form_has_the_fields_editors_rely_on(self):
        form = self.client.get("/admin/reviews/review/add/").context["adminform"].form
        for field in [
            "title",
            "slug",
            "standfirst",
            "body",
            "author",
            "status",
            "published_at",
            "hero_image",
            "hero_alt",
            "hero_caption",
            "hero_credit",
            "dramas",
            "featured_people",
            "quotes",
            "tags",
            "up_next_picks",
        ]:
            self.assertIn(field, form.fields)

    def test_taggits_own_tag_admin_is_not_shown(self):
        self.assertNotContains(self.client.get("/admin/"), "/admin/taggit/")


class ChangelistQueryCountTests(TestCase):
    """Each changelist costs a fixed number of queries, however many rows and relations."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def grow(self, n):
        column = Column.objects.first() or make_column("Rewind")
        for i in range(n):
            drama = make_drama(f"Drama {Drama.objects.count()}")
            character = make_character(drama, played_by=make_person())
            make_quote(character)
            make_review(
                dramas=[drama],
                tags=[f"tag {i}", "shared"],
                column=column,
                author=make_author(),
                hero_image=image_upload(size=(500, 300)),
                hero_alt="Alt",
            )

    def assert_flat(self, url, expected):
        self.grow(2)
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)
        self.grow(8)
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_reviews(self):
        # session, user, count, filtered count, page (with author and column),
        # the column, author and drama filter choices, and the date hierarchy
        self.assert_flat("/admin/reviews/review/", 10)

    def test_dramas(self):
        # session, user, count, filtered count, page, year/network/genre filter choices
        self.assert_flat("/admin/reviews/drama/", 8)

    def test_characters(self):
        # session, user, count, filtered count, page with drama, actor and quote count
        self.assert_flat("/admin/reviews/character/", 5)

    def test_quotes(self):
        # session, user, count, filtered count, page with character and drama
        self.assert_flat("/admin/reviews/quote/", 5)

    def test_columns_and_tags(self):
        # session, user, count, filtered count, page with review counts
        self.assert_flat("/admin/reviews/column/", 5)
        self.assert_flat("/admin/reviews/tag/", 5)

    def test_quote_autocomplete(self):
        self.grow(5)
        params = {
            "app_label": "reviews",
            "model_name": "review",
            "field_name": "quotes",
            "term": "Line",
        }
        # session, user, count, page of quotes with their characters
        with self.assertNumQueries(4):
            response = self.client.get("/admin/autocomplete/", params)
        self.assertEqual(len(response.json()["results"]), 5)
        self.assertTrue(all("(" in r["text"] for r in response.json()["results"]))


class ReviewAuthoringTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)
        cls.author = make_author("Mina Park", job_title="Assistant Features Editor")
        cls.drama = make_drama("Run On")
        cls.person = make_person("Im Si-wan")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_writes_and_publishes_a_review_with_a_hero_image(self):
        original = image_bytes(size=(1800, 1000))
        data = review_form(
            self.author,
            hero_image=SimpleUploadedFile("hero.jpg", original, "image/jpeg"),
            hero_alt="Two runners at dusk",
            hero_caption="Night training.",
            hero_credit="Illustration: the desk",
            dramas=[self.drama.pk],
            featured_people=[self.person.pk],
            status="published",
        )
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertEqual(response.status_code, 302)
        review = Review.objects.get(slug="run-on-rewatched")
        self.assertTrue(review.is_published(), "a published review with no time goes out now")
        self.assertEqual(review.last_edited_by, self.editor)
        self.assertEqual(sorted(t.name for t in review.tags.all()), ["Rewind", "Run On"])
        with default_storage.open(review.hero_image.name, "rb") as stored:
            self.assertEqual(stored.read(), original)
        self.assertTrue(all(default_storage.exists(r.name) for r in review.hero_image.renditions))
        page = self.client.get("/reviews/run-on-rewatched/")
        self.assertContains(page, "Run On, rewatched")
        self.assertTrue(LogEntry.objects.filter(object_id=str(review.pk)).exists())

    def test_scheduling_needs_a_publish_time(self):
        response = self.client.post(
            "/admin/reviews/review/add/", review_form(self.author, status="scheduled")
        )
        self.assertContains(response, "Set a publish time to schedule this review.")
        self.assertFalse(Review.objects.exists())

    def test_a_future_publish_time_schedules(self):
        when = timezone.localtime() + timedelta(days=3)
        data = review_form(
            self.author,
            status="scheduled",
            published_at_0=when.strftime("%Y-%m-%d"),
            published_at_1=when.strftime("%H:%M:%S"),
        )
        self.assertEqual(self.client.post("/admin/reviews/review/add/", data).status_code, 302)
        review = Review.objects.get()
        self.assertFalse(review.is_published())
        changelist = self.client.get("/admin/reviews/review/")
        self.assertContains(changelist, f"Scheduled for {when:%d %b %Y, %H:%M}")

    def test_hero_image_needs_alt_text(self):
        data = review_form(self.author, hero_image=image_upload())
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertContains(response, "Add alt text describing the hero image.")
        self.assertFalse(Review.objects.exists())

    def test_a_bad_hero_image_is_refused_with_its_reason(self):
        cases = {
            "Only JPEG, PNG or WebP": SimpleUploadedFile(
                "a.gif", image_bytes(size=(20, 20), format="GIF")
            ),
            "rename it to .jpg": SimpleUploadedFile("a.webp", image_bytes(size=(20, 20))),
        }
        for message, upload in cases.items():
            with self.subTest(message=message):
                response = self.client.post(
                    "/admin/reviews/review/add/",
                    review_form(self.author, hero_image=upload, hero_alt="x"),
                )
                self.assertContains(response, message)
        self.assertFalse(Review.objects.exists())


class PublishPermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer", staff=True, perms=WRITER_PERMS)
        cls.editor = make_user(
            "editor", staff=True, perms=[*WRITER_PERMS, "reviews.publish_review"]
        )
        cls.author = make_author()

    def test_a_writer_is_not_offered_live_statuses(self):
        self.client.force_login(self.writer)
        form = self.client.get("/admin/reviews/review/add/").context["adminform"].form
        self.assertEqual([v for v, _ in form.fields["status"].choices], ["draft", "review"])

    def test_a_writer_cannot_publish_with_a_forged_post(self):
        self.client.force_login(self.writer)
        for status in ("published", "scheduled"):
            with self.subTest(status=status):
                data = review_form(
                    self.author,
                    status=status,
                    published_at_0="2024-07-04",
                    published_at_1="09:00:00",
                )
                response = self.client.post("/admin/reviews/review/add/", data)
                self.assertEqual(response.status_code, 200)
        self.assertFalse(Review.objects.exists())

    def test_a_writer_cannot_take_down_or_move_a_live_review(self):
        live = make_review("Live", author=self.author)
        self.client.force_login(self.writer)
        url = f"/admin/reviews/review/{live.pk}/change/"
        when = timezone.localtime(live.published_at)
        keep_time = {"published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S.%f}"}
        down = review_form(self.author, title="Live", slug=live.slug, status="draft", **keep_time)
        self.assertContains(
            self.client.post(url, down), "take a published or scheduled review down"
        )
        moved = review_form(
            self.author,
            title="Live",
            slug=live.slug,
            status="published",
            published_at_0="2030-01-01",
            published_at_1="09:00:00",
        )
        self.assertEqual(self.client.post(url, moved).status_code, 200)
        live.refresh_from_db()
        self.assertEqual(live.status, Review.Status.PUBLISHED)
        self.assertEqual(live.published_at, when)

    def test_a_writer_may_correct_the_words_of_a_live_review(self):
        live = make_review("Live", author=self.author)
        self.client.force_login(self.writer)
        url = f"/admin/reviews/review/{live.pk}/change/"
        form = self.client.get(url).context["adminform"].form
        self.assertEqual(
            [v for v, _ in form.fields["status"].choices], ["draft", "review", "published"]
        )
        when = timezone.localtime(live.published_at)
        data = review_form(
            self.author,
            title="Live, with a typo fixed",
            slug=live.slug,
            status="published",
            published_at_0=f"{when:%Y-%m-%d}",
            published_at_1=f"{when:%H:%M:%S.%f}",
        )
        self.assertEqual(self.client.post(url, data).status_code, 302)
        live.refresh_from_db()
        self.assertEqual((live.title, live.status), ("Live, with a typo fixed", "published"))

    def test_a_writer_may_send_a_draft_for_review(self):
        self.client.force_login(self.writer)
        response = self.client.post(
            "/admin/reviews/review/add/", review_form(self.author, status="review")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Review.objects.get().status, Review.Status.REVIEW)

    def test_the_publish_actions_are_not_offered_to_a_writer_and_refused_if_forged(self):
        draft = make_review("Draft", published=False, author=self.author)
        self.client.force_login(self.writer)
        changelist = self.client.get("/admin/reviews/review/")
        action_form = changelist.context["action_form"]  # None when no action is offered
        actions = (
            [value for value, _ in action_form.fields["action"].choices] if action_form else []
        )
        self.assertNotIn("publish_now", actions)
        self.client.post(
            "/admin/reviews/review/", {"action": "publish_now", "_selected_action": [draft.pk]}
        )
        draft.refresh_from_db()
        self.assertEqual(draft.status, Review.Status.DRAFT)

    def test_an_editor_publishes_and_unpublishes_with_the_actions(self):
        first = make_review("First", published=False, author=self.author)
        second = make_review("Second", published=False, author=self.author)
        self.client.force_login(self.editor)
        response = self.client.post(
            "/admin/reviews/review/",
            {"action": "publish_now", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )
        self.assertContains(response, "Published 2 review(s).")
        for review in (first, second):
            review.refresh_from_db()
            self.assertTrue(review.is_published())
            self.assertEqual(review.last_edited_by, self.editor)
        response = self.client.post(
            "/admin/reviews/review/",
            {"action": "move_to_draft", "_selected_action": [first.pk]},
            follow=True,
        )
        self.assertContains(response, "Moved 1 review(s) back to draft.")
        first.refresh_from_db()
        self.assertEqual(first.status, Review.Status.DRAFT)
        self.assertEqual(
            self.client.get(first.get_absolute_url()).status_code, 200
        )  # staff preview
        self.client.logout()
        self.assertEqual(self.client.get(first.get_absolute_url()).status_code, 404)
