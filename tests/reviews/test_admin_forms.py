"""The review form when it comes back with a question: nothing typed or
uploaded is lost."""

from django.core.files.storage import default_storage
from django.test import TestCase

from reviews.models import Review, UploadStash
from tests.factories import (
    image_bytes,
    image_upload,
    make_author,
    make_character,
    make_drama,
    make_person,
    make_review,
    make_user,
)
from tests.reviews.test_admin import change_form_data, review_form

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
