"""What an uploaded or imported image must be, and the words for what it is not."""

import io

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from PIL import Image

from kdrama_rewind.media.checks import inspect_image
from tests.factories import file_upload as upload
from tests.factories import image_bytes


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

    def test_accepts_a_jpeg_holding_more_than_one_picture(self):
        # What some phones write (a depth or gain map after the photo): Pillow
        # reads it as MPO; browsers and the renditions show the first picture.
        first, second = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (40, 30), "blue")
        buffer = io.BytesIO()
        first.save(buffer, "MPO", save_all=True, append_images=[second])
        info = inspect_image(upload("phone.jpg", buffer.getvalue()))
        self.assertEqual((info.width, info.height), (40, 30))
        with self.assertRaisesMessage(ValidationError, "holds a JPEG image; rename it to .jpg"):
            inspect_image(upload("phone.png", buffer.getvalue()))

    def test_measures_a_picture_as_its_exif_turns_it(self):
        exif = Image.Exif()
        exif[0x0112] = 6  # turned a quarter: a phone held upright
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30)).save(buffer, "JPEG", exif=exif)
        info = inspect_image(upload("upright.jpg", buffer.getvalue()))
        self.assertEqual((info.width, info.height), (30, 40))

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


class TruncatedImageTests(TestCase):
    def test_a_jpeg_cut_short_is_refused_before_it_is_stored(self):
        data = image_bytes(size=(800, 600), format="JPEG")
        with self.assertRaisesMessage(ValidationError, "not a readable image"):
            inspect_image(upload("cut.jpg", data[: len(data) * 2 // 3]))
