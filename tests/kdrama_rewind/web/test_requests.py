from django.test import TestCase, override_settings

from reviews.models import Review
from tests.factories import image_upload, make_role_user, review_form


class RequestSizeTests(TestCase):
    """A body over the cap is refused before it is read; below it, the
    form says what is wrong with an image too big."""

    def setUp(self):
        self.editor = make_role_user("Editor", "eddie", author_name="Mina Park")
        self.client.force_login(self.editor)

    @override_settings(REQUEST_MAX_BYTES=20_000)
    def test_a_post_over_the_cap_is_refused_unread(self):
        data = review_form(self.editor.author, hero_image=image_upload(size=(1600, 900)))
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertEqual(response.status_code, 413)
        self.assertIn("too large", response.content.decode())
        self.assertFalse(Review.objects.exists())

    def test_a_claimed_length_over_the_cap_is_refused_before_reading(self):
        response = self.client.post(
            "/admin/reviews/review/add/", {"title": "x"}, CONTENT_LENGTH=str(2**40)
        )
        self.assertEqual(response.status_code, 413)

    @override_settings(IMAGE_MAX_BYTES=2_000)
    def test_below_the_cap_an_image_too_big_is_named_by_the_form(self):
        data = review_form(self.editor.author, hero_image=image_upload(size=(1600, 900)))
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "the limit is 2.0")
