"""Media storage that refuses to write during an upload: the editor gets a
form error with their text intact, and no review row or file is left."""

import os
from unittest import mock

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from reviews.models import Review
from reviews.services import ReviewEdit, edit_review
from tests.factories import (
    image_bytes,
    image_upload,
    make_author,
    make_review,
    make_role_user,
    review_form,
)
from tests.factories import stored_files as media_files


def media_storage_class():
    """The class of the media storage in use (the local folder's, or S3's)."""
    return type(storages["default"])


class UnwritableStorageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "editor")
        cls.author = make_author("Mina Park")

    def setUp(self):
        self.client.force_login(self.editor)

    def post_with_image(self):
        data = review_form(
            self.author,
            title="Written while the disk was full",
            hero_image=SimpleUploadedFile("hero.jpg", image_bytes(size=(1300, 800)), "image/jpeg"),
            hero_alt="Two runners at dusk",
        )
        return self.client.post("/admin/reviews/review/add/", data)

    def assert_nothing_kept(self, response, before):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The image could not be stored just now")
        self.assertContains(response, "Written while the disk was full")  # the text is kept
        self.assertFalse(Review.objects.filter(title="Written while the disk was full").exists())
        self.assertEqual(media_files(), before)

    def test_an_unwritable_storage_gives_a_form_error_and_keeps_nothing(self):
        before = media_files()
        refuse = mock.patch.object(
            media_storage_class(), "_save", side_effect=PermissionError(13, "Permission denied")
        )
        with refuse:
            response = self.post_with_image()
        self.assert_nothing_kept(response, before)
        self.assertContains(response, "Permission denied")

    def test_a_storage_that_fails_part_way_leaves_no_orphan_file(self):
        before = media_files()
        storage_class = media_storage_class()
        real_save = storage_class._save
        calls = []

        def fill_up(storage, name, content):
            calls.append(name)
            if len(calls) > 2:  # the original and one rendition, then the disk is full
                raise OSError(28, os.strerror(28))
            return real_save(storage, name, content)

        with mock.patch.object(storage_class, "_save", fill_up):
            response = self.post_with_image()
        self.assertGreater(len(calls), 2)
        self.assert_nothing_kept(response, before)

    def test_the_same_for_a_person_s_photo(self):
        from people.models import Person

        before = media_files()
        photo = SimpleUploadedFile("photo.jpg", image_bytes(size=(600, 600)), "image/jpeg")
        data = {"name": "Shin Se-kyung", "slug": "shin-se-kyung", "photo": photo}
        data["photo_alt"] = "Shin Se-kyung"
        superuser = make_role_user("Editor", "another")
        superuser.is_superuser = True
        superuser.save()
        self.client.force_login(superuser)
        with mock.patch.object(
            media_storage_class(), "_save", side_effect=PermissionError(13, "Permission denied")
        ):
            response = self.client.post("/admin/people/person/add/", data)
        self.assertContains(response, "The image could not be stored just now")
        self.assertFalse(Person.objects.filter(name="Shin Se-kyung").exists())
        self.assertEqual(media_files(), before)


class VanishedImageTests(TestCase):
    def test_a_review_whose_image_left_storage_can_still_be_edited(self):
        editor = make_role_user("Editor", "editor")
        review = make_review("Run On", author=make_author("Mina Park"), hero_alt="A track")
        review.hero_image.save("hero.jpg", image_upload(size=(1300, 800)))
        review.hero_image.storage.delete(review.hero_image.name)  # lost, restored from backup…
        edit = ReviewEdit(fields={"standfirst": "Still worth a rewatch."})
        edit_review(review=review, edit=edit, by=editor, via="test")
        review.refresh_from_db()
        self.assertEqual(review.standfirst, "Still worth a rewatch.")
        self.assertEqual((review.hero_width, review.hero_height), (1300, 800))
