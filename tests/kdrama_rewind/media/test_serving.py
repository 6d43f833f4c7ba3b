"""Uploaded media is served so that nothing in it runs as a page."""

from pathlib import Path

from django.conf import settings

from tests.sample_site import PublicSiteTestCase


class MediaServingTests(PublicSiteTestCase):
    def put(self, name: str, content: bytes) -> str:
        path = Path(settings.MEDIA_ROOT) / "uploads-test" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.addCleanup(path.unlink)
        return f"/media/uploads-test/{name}"

    def test_an_image_is_served_inline_as_itself_and_sandboxed(self):
        rendition = self.review.hero_image.renditions[0]
        response = self.client.get(rendition.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/webp")
        self.assertTrue(response["Content-Disposition"].startswith("inline;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])

    def test_anything_else_is_a_download_never_a_page(self):
        for name, content in [
            ("page.html", b"<script>alert(1)</script>"),
            ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            ("photo.jpg.html", b"<html></html>"),
        ]:
            with self.subTest(name=name):
                response = self.client.get(self.put(name, content))
                self.assertEqual(response["Content-Type"], "application/octet-stream")
                self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
                self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_nothing_outside_the_media_folder(self):
        for path in ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media//etc/passwd"]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertIn(response.status_code, (400, 404))
                self.assertNotIn(b"DJANGO_SETTINGS_MODULE", response.content)

    def test_only_reading(self):
        rendition = self.review.hero_image.renditions[0]
        self.assertEqual(self.client.post(rendition.url).status_code, 405)

    def test_renditions_and_crops_are_kept_for_a_year_originals_for_a_day(self):
        rendition = self.client.get(self.review.hero_image.renditions[0].url)
        self.assertEqual(rendition["Cache-Control"], "public, max-age=31536000, immutable")
        crop = self.client.get(self.review.hero_image.crops["wide"].renditions[0].url)
        self.assertEqual(crop.status_code, 200)
        self.assertEqual(crop["Cache-Control"], "public, max-age=31536000, immutable")
        original = self.client.get(self.review.hero_image.url)
        self.assertEqual(original["Cache-Control"], "public, max-age=86400")
