"""The review form when it comes back with a question: nothing typed or
uploaded is lost."""

from django.core.files.storage import default_storage
from django.test import TestCase

from reviews.models import Review, Tag, UploadStash
from reviews.services import ReviewEdit, TransitionError, edit_review
from tests.factories import (
    change_form_data,
    image_bytes,
    image_upload,
    make_author,
    make_character,
    make_drama,
    make_person,
    make_review,
    make_role_user,
    make_user,
    review_form,
)

MISSPELT = "Shin Si-kyung steers a gentle drama"


class KeptUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)
        cls.other = make_user("other", superuser=True)
        cls.author = make_author("Mina Park", user=cls.editor)
        drama = make_drama("Run On")
        make_character(drama, "Oh Mi-joo", played_by=make_person("Shin Se-kyung"))
        cls.drama = drama

    def setUp(self):
        self.client.force_login(self.editor)

    def token_in(self, response) -> str:
        form = response.context["adminform"].form
        return form["hero_stash"].value()

    def test_an_image_uploaded_with_a_name_question_is_kept_and_saved_on_confirming(self):
        upload = image_upload("dusk-run.jpg", size=(1400, 800))
        data = review_form(
            self.author,
            title=MISSPELT,
            slug="gentle",
            hero_image=upload,
            hero_alt="Two runners at dusk",
            dramas=[self.drama.pk],
        )
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertContains(response, "did you mean Shin Se-kyung?")
        self.assertContains(response, "Will be saved: dusk-run.jpg")
        token = self.token_in(response)
        self.assertTrue(token)
        stash = UploadStash.objects.get()
        self.assertNotIn("dusk-run", stash.file.name, "kept under a name nobody can guess")
        # The browser does not send the file again; the kept one is used.
        data.pop("hero_image")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/admin/reviews/review/add/", {**data, "hero_stash": token, "confirm_names": "on"}
            )
        self.assertEqual(response.status_code, 302)
        review = Review.objects.get()
        with default_storage.open(review.hero_image.name, "rb") as stored:
            self.assertEqual(stored.read(), image_bytes(size=(1400, 800)))
        self.assertEqual((review.hero_width, review.hero_height), (1400, 800))
        self.assertFalse(UploadStash.objects.exists(), "used once, then gone")
        self.assertFalse(default_storage.exists(stash.file.name))

    def test_an_image_uploaded_with_a_conflict_is_kept_across_it(self):
        review = make_review("Shared", dramas=[self.drama])
        mine = change_form_data(self.client, review, hero_alt="A new picture")
        self.client.force_login(self.other)
        theirs = change_form_data(self.client, review, standfirst="Theirs")
        self.client.post(f"/admin/reviews/review/{review.pk}/change/", theirs)
        self.client.force_login(self.editor)
        response = self.client.post(
            f"/admin/reviews/review/{review.pk}/change/",
            {**mine, "hero_image": image_upload("new.jpg", size=(1300, 700))},
        )
        self.assertContains(response, "Someone saved this review after you opened it")
        self.assertContains(response, "Will be saved: new.jpg")
        self.assertNotContains(response, "renditions/new")  # no broken picture of an unsaved file
        form = response.context["adminform"].form
        again = {
            **mine,
            "hero_stash": form["hero_stash"].value(),
            "overwrite": "on",
            "seen_version": form["seen_version"].value(),
        }
        self.assertEqual(
            self.client.post(f"/admin/reviews/review/{review.pk}/change/", again).status_code, 302
        )
        review.refresh_from_db()
        self.assertEqual(review.hero_width, 1300)
        self.assertEqual(review.hero_alt, "A new picture")

    def test_a_kept_image_is_only_its_uploaders(self):
        stash = UploadStash.keep(user=self.other, upload=image_upload("theirs.jpg"))
        review = make_review("Mine", published=False)
        data = change_form_data(self.client, review, hero_stash=stash.token, hero_alt="Alt")
        self.assertEqual(
            self.client.post(f"/admin/reviews/review/{review.pk}/change/", data).status_code, 302
        )
        self.assertFalse(Review.objects.get(pk=review.pk).hero_image)
        self.assertTrue(UploadStash.objects.filter(pk=stash.pk).exists())

    def test_a_forged_token_is_ignored(self):
        review = make_review("Mine", published=False)
        data = change_form_data(self.client, review, hero_stash="forged:token", title="Renamed")
        self.assertEqual(
            self.client.post(f"/admin/reviews/review/{review.pk}/change/", data).status_code, 302
        )
        self.assertEqual(Review.objects.get(pk=review.pk).title, "Renamed")


class AddressHelpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)

    def setUp(self):
        self.client.force_login(self.editor)

    def slug_help(self, response) -> str:
        return str(response.context["adminform"].form.fields["slug"].help_text)

    def test_a_saved_review_shows_its_real_address_and_that_renaming_keeps_it(self):
        review = make_review("Run On, rewatched")
        help_text = self.slug_help(self.client.get(f"/admin/reviews/review/{review.pk}/change/"))
        self.assertIn(
            '<code>http://127.0.0.1:8000/reviews/<span class="kdr-address__slug">'
            "run-on-rewatched</span>/</code>",
            help_text,
        )
        self.assertIn("keeps the old address working", help_text)

    def test_a_new_review_shows_where_its_address_will_be(self):
        response = self.client.get("/admin/reviews/review/add/")
        self.assertIn("http://127.0.0.1:8000/reviews/", self.slug_help(response))
        self.assertNotContains(response, "/reviews//")

    def test_no_address_help_loses_its_slug_to_the_markup(self):
        for path in [
            "/admin/reviews/column/add/",
            "/admin/reviews/drama/add/",
            "/admin/people/person/add/",
            "/admin/people/author/add/",
        ]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertNotContains(response, "<slug>")
                self.assertNotRegex(
                    response.content.decode(), r"/(columns|dramas|people|authors)//"
                )


class RefusedStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)
        cls.author = make_author("Mina Park", user=cls.editor)

    def test_the_form_comes_back_showing_the_status_the_review_still_has(self):
        self.client.force_login(self.editor)
        review = make_review("A draft", published=False, author=self.author)
        data = change_form_data(self.client, review, status="scheduled")
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        form = response.context["adminform"].form
        self.assertEqual(
            form.errors["status"],
            ["Not changed to “Scheduled”: Set a publish time to schedule this review."],
        )
        self.assertEqual(form["status"].value(), "draft")
        self.assertContains(response, '<option value="draft" selected>Draft</option>', html=True)
        self.assertEqual(Review.objects.get(pk=review.pk).status, "draft")


class NewTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "writer", author_name="Mina Park")
        cls.editor = make_role_user("Editor", "editor")
        Tag.objects.create(name="Run On")
        Tag.objects.create(name="Rewind")

    def test_a_writer_uses_existing_tags_and_is_told_which_do_not_exist(self):
        self.client.force_login(self.writer)
        data = review_form(self.writer.author, tags="run on, Slow Burn, Found Family")
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertEqual(
            response.context["adminform"].form.errors["tags"],
            [
                "There are no tags “Found Family”, “Slow Burn” yet, and only an editor can add "
                "tags. Use tags that exist, or ask an editor to add them."
            ],
        )
        self.assertEqual(sorted(Tag.objects.values_list("name", flat=True)), ["Rewind", "Run On"])
        self.assertFalse(Review.objects.exists())
        data["tags"] = "run on, REWIND"  # existing tags, in any case
        self.assertEqual(self.client.post("/admin/reviews/review/add/", data).status_code, 302)
        self.assertEqual(sorted(Review.objects.get().tags.names()), ["Rewind", "Run On"])

    def test_an_editor_makes_new_tags(self):
        self.client.force_login(self.editor)
        data = review_form(make_author("Joel Fernandes"), tags="Slow Burn, Rewind")
        self.assertEqual(self.client.post("/admin/reviews/review/add/", data).status_code, 302)
        self.assertTrue(Tag.objects.filter(name="Slow Burn").exists())

    def test_the_editing_service_refuses_a_writers_new_tag_whatever_the_form(self):
        review = make_review("Mine", published=False, author=self.writer.author)
        with self.assertRaisesMessage(TransitionError, "There is no tag “Slow Burn” yet"):
            edit_review(review=review, edit=ReviewEdit(tags=["Slow Burn"]), by=self.writer, via="x")
        result = edit_review(review=review, edit=ReviewEdit(tags=["Slow Burn"]), by=None, via="x")
        self.assertTrue(result.changed)  # an import, say, makes what its file names
        self.assertTrue(Tag.objects.filter(name="Slow Burn").exists())
