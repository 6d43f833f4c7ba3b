import io
import re

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image

from kdrama_rewind.images import inspect_image, rendition_widths
from tests.factories import image_bytes, image_upload, make_review


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


class InspectImageTests(TestCase):
    def test_accepts_jpeg_png_and_webp(self):
        for fmt, name in [
            ("JPEG", "a.jpg"),
            ("JPEG", "a.jpeg"),
            ("PNG", "a.png"),
            ("WEBP", "a.webp"),
        ]:
            with self.subTest(fmt=fmt, name=name):
                info = inspect_image(upload(name, image_bytes(size=(40, 30), format=fmt)))
                self.assertEqual((info.format, info.width, info.height), (fmt, 40, 30))

    def test_refuses_other_image_formats(self):
        for fmt, name in [("GIF", "a.gif"), ("BMP", "a.bmp"), ("TIFF", "a.tiff")]:
            with self.subTest(fmt=fmt):
                with self.assertRaisesMessage(ValidationError, f"this file is {fmt}"):
                    inspect_image(upload(name, image_bytes(size=(10, 10), format=fmt)))

    def test_refuses_svg_and_text(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        for name, data in [("a.svg", svg), ("a.jpg", b"not an image at all")]:
            with self.subTest(name=name):
                with self.assertRaisesMessage(ValidationError, "not a readable image"):
                    inspect_image(upload(name, data))

    def test_refuses_a_file_named_unlike_its_content(self):
        with self.assertRaisesMessage(ValidationError, "holds a JPEG image; rename it to .jpg"):
            inspect_image(upload("poster.png", image_bytes(size=(10, 10), format="JPEG")))

    def test_refuses_a_truncated_image(self):
        data = image_bytes(size=(300, 300), format="PNG")
        with self.assertRaises(ValidationError):
            inspect_image(upload("a.png", data[: len(data) // 2]))

    @override_settings(IMAGE_MAX_BYTES=1000)
    def test_refuses_a_file_over_the_byte_limit_before_decoding(self):
        with self.assertRaisesMessage(ValidationError, "the limit is 1000"):
            inspect_image(upload("a.jpg", b"\xff" * 1001))

    @override_settings(IMAGE_MAX_PIXELS=10_000)
    def test_refuses_an_image_over_the_pixel_limit(self):
        with self.assertRaisesMessage(ValidationError, "101×100 pixels"):
            inspect_image(upload("a.png", image_bytes(size=(101, 100), format="PNG")))

    def test_decompression_bomb_warnings_are_errors(self):
        # A small PNG whose header claims more pixels than Pillow considers safe.
        old = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = 1000
        try:
            with self.assertRaisesMessage(ValidationError, "too many pixels"):
                inspect_image(upload("a.png", image_bytes(size=(40, 30), format="PNG")))
        finally:
            Image.MAX_IMAGE_PIXELS = old


class RenditionTests(TestCase):
    def test_widths_never_upscale_and_include_the_original_when_smaller(self):
        self.assertEqual(rendition_widths(3000), [480, 800, 1200, 1600])
        self.assertEqual(rendition_widths(1600), [480, 800, 1200, 1600])
        self.assertEqual(rendition_widths(1200), [480, 800, 1200])
        self.assertEqual(rendition_widths(1000), [480, 800, 1000])
        self.assertEqual(rendition_widths(300), [300])

    def test_saving_an_image_keeps_the_original_bytes_and_writes_webp_renditions(self):
        original = image_bytes(size=(1300, 700), format="JPEG")
        review = make_review(
            hero_image=SimpleUploadedFile("run-on.jpg", original, "image/jpeg"), hero_alt="Alt"
        )
        with default_storage.open(review.hero_image.name, "rb") as stored:
            self.assertEqual(stored.read(), original)
        self.assertEqual((review.hero_width, review.hero_height), (1300, 700))
        widths = []
        for rendition in review.hero_image.renditions:
            with default_storage.open(rendition.name, "rb") as f, Image.open(f) as image:
                self.assertEqual(image.format, "WEBP")
                widths.append(image.width)
        self.assertEqual(widths, [480, 800, 1200, 1300])

    def test_srcset_lists_every_rendition_with_its_width(self):
        review = make_review(hero_image=image_upload(size=(900, 500)), hero_alt="Alt")
        srcset = review.hero_image.srcset
        media = re.escape(default_storage.url(""))  # /media/, or the bucket's address
        self.assertRegex(
            srcset,
            rf"^{media}renditions/reviews/.+\.480w\.webp 480w, "
            rf"{media}.+\.800w\.webp 800w, {media}.+\.900w\.webp 900w$",
        )
        self.assertTrue(review.hero_image.src.endswith(".900w.webp"))

    def test_deleting_the_image_removes_its_renditions(self):
        review = make_review(hero_image=image_upload(size=(900, 500)), hero_alt="Alt")
        names = [r.name for r in review.hero_image.renditions]
        review.hero_image.delete(save=False)
        for name in names:
            self.assertFalse(default_storage.exists(name))

    def test_a_png_with_transparency_renders(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (600, 400), (10, 20, 30, 128)).save(buffer, "PNG")
        review = make_review(
            hero_image=SimpleUploadedFile("t.png", buffer.getvalue(), "image/png"), hero_alt="Alt"
        )
        self.assertTrue(all(default_storage.exists(r.name) for r in review.hero_image.renditions))


class TruncatedImageTests(TestCase):
    def test_a_jpeg_cut_short_is_refused_before_it_is_stored(self):
        data = image_bytes(size=(800, 600), format="JPEG")
        with self.assertRaisesMessage(ValidationError, "not a readable image"):
            inspect_image(upload("cut.jpg", data[: len(data) * 2 // 3]))
