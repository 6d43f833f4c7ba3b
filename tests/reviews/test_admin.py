from datetime import timedelta
from unittest import mock

from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from reviews.admin.reviews import RecentDramaFilter
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
    make_role_user,
    make_user,
    review_form,
)

WRITER_PERMS = ["reviews.add_review", "reviews.change_review", "reviews.view_review"]


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
        # A draft: a live review is taken down before it can be deleted.
        cls.review = make_review(
            "A review",
            published=False,
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

    def test_the_drama_filter_offers_the_dramas_of_the_newest_reviews_and_the_one_chosen(self):
        now = timezone.now()
        old = make_drama("Long ago")
        make_review("Old review", dramas=[old], published_at=now - timedelta(days=400))
        newer = [make_drama(f"Lately {n}") for n in range(3)]
        for n, drama in enumerate(newer):
            make_review(f"New review {n}", dramas=[drama], published_at=now - timedelta(days=n))

        def offered(url):
            response = self.client.get(url)
            drama_filter = next(
                f for f in response.context["cl"].filter_specs if f.title == "dramas"
            )
            return [title for _, title in drama_filter.lookup_choices], response

        with mock.patch.object(RecentDramaFilter, "RECENT", 3):
            titles, _ = offered("/admin/reviews/review/")
            self.assertEqual(titles, [str(drama) for drama in newer])
            titles, response = offered(f"/admin/reviews/review/?dramas__id__exact={old.pk}")
        self.assertIn(str(old), titles)
        self.assertEqual([r.title for r in response.context["cl"].result_list], ["Old review"])

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
            "rename it to .jpg": SimpleUploadedFile("a.png", image_bytes(size=(20, 20))),
            "Upload a valid image": SimpleUploadedFile("a.jpg", b"Dear editor, ...", "image/jpeg"),
        }
        for message, upload in cases.items():
            with self.subTest(message=message):
                response = self.client.post(
                    "/admin/reviews/review/add/",
                    review_form(self.author, hero_image=upload, hero_alt="x"),
                )
                self.assertContains(response, message)
                self.assertTrue(response.context["adminform"].form.errors["hero_image"])
        self.assertFalse(Review.objects.exists())


class RoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "writer", author_name="Mina Park")
        cls.other = make_role_user("Writer", "other", author_name="Joel Fernandes")
        cls.editor = make_role_user("Editor", "editor")
        cls.desk = make_role_user("Desk", "desk")
        for name in ("Run On", "Rewind"):  # the form's tags: writers use existing ones
            Tag.objects.create(name=name)

    def test_a_writer_is_offered_only_draft_and_review(self):
        self.client.force_login(self.writer)
        form = self.client.get("/admin/reviews/review/add/").context["adminform"].form
        self.assertEqual([v for v, _ in form.fields["status"].choices], ["draft", "review"])

    def test_a_writer_cannot_publish_with_a_forged_post(self):
        self.client.force_login(self.writer)
        for status in ("published", "scheduled"):
            with self.subTest(status=status):
                data = review_form(
                    self.writer.author,
                    status=status,
                    published_at_0="2024-07-04",
                    published_at_1="09:00:00",
                )
                response = self.client.post("/admin/reviews/review/add/", data)
                self.assertEqual(response.status_code, 200)
        self.assertFalse(Review.objects.exists())

    def test_a_writer_writes_a_draft_and_sends_it_for_review(self):
        self.client.force_login(self.writer)
        response = self.client.post(
            "/admin/reviews/review/add/", review_form(self.writer.author, status="review")
        )
        self.assertEqual(response.status_code, 302)
        review = Review.objects.get()
        self.assertEqual((review.status, review.last_edited_by), ("review", self.writer))

    def test_a_writer_sees_but_cannot_change_a_live_review_or_someone_elses_draft(self):
        live = make_review("Live", author=self.writer.author)
        theirs = make_review("Theirs", published=False, author=self.other.author)
        self.client.force_login(self.writer)
        for review in (live, theirs):
            with self.subTest(review=review.title):
                url = f"/admin/reviews/review/{review.pk}/change/"
                page = self.client.get(url)
                self.assertEqual(page.status_code, 200)
                self.assertFalse(page.context["has_change_permission"])
                forged = review_form(self.writer.author, title="Hacked", slug=review.slug)
                self.assertEqual(self.client.post(url, forged).status_code, 403)
                review.refresh_from_db()
                self.assertNotEqual(review.title, "Hacked")

    def test_the_publish_actions_are_not_offered_to_a_writer_and_refused_if_forged(self):
        draft = make_review("Draft", published=False, author=self.writer.author)
        self.client.force_login(self.writer)
        changelist = self.client.get("/admin/reviews/review/")
        actions = [v for v, _ in changelist.context["action_form"].fields["action"].choices]
        self.assertEqual(actions, ["", "submit_selected"])
        self.client.post(
            "/admin/reviews/review/", {"action": "publish_now", "_selected_action": [draft.pk]}
        )
        draft.refresh_from_db()
        self.assertEqual(draft.status, Review.Status.DRAFT)

    def test_an_editor_publishes_and_unpublishes_with_the_actions(self):
        first = make_review("First", published=False, author=self.writer.author)
        second = make_review("Second", published=False, author=self.writer.author)
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
        response = self.client.post(
            "/admin/reviews/review/",
            {"action": "move_to_draft", "_selected_action": [first.pk]},
            follow=True,
        )
        self.assertContains(response, "Moved back to draft: 1 review(s).")
        first.refresh_from_db()
        self.assertEqual(first.status, Review.Status.DRAFT)
        self.assertEqual(first.revisions.first().created_by, self.editor)

    def test_an_action_that_is_not_allowed_for_one_review_says_why(self):
        live = make_review("Live", author=self.writer.author)
        self.client.force_login(self.desk)
        response = self.client.post(
            "/admin/reviews/review/",
            {"action": "cancel_schedules", "_selected_action": [live.pk]},
            follow=True,
        )
        self.assertContains(response, "already published")


class ScheduledListTests(TestCase):
    def test_scheduled_reviews_show_their_time_in_the_newsroom_time_zone(self):
        at = timezone.now() + timedelta(days=2)
        make_review("Coming", status=Review.Status.SCHEDULED, published_at=at)
        self.client.force_login(make_user(superuser=True))
        response = self.client.get("/admin/reviews/review/")
        self.assertContains(response, f"Scheduled for {timezone.localtime(at):%d %b %Y, %H:%M}")
