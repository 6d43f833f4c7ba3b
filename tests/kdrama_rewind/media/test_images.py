import io
import re

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from kdrama_rewind.media.renditions import rendition_widths
from tests.factories import image_bytes, image_upload, make_review


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

    def test_a_photo_turned_by_its_exif_is_measured_and_cut_as_shown(self):
        # A phone held upright stores a landscape grid and an orientation.
        for orientation, grid in [(6, (1000, 400)), (8, (2000, 300)), (3, (900, 500))]:
            with self.subTest(orientation=orientation):
                exif = Image.Exif()
                exif[0x0112] = orientation
                buffer = io.BytesIO()
                Image.new("RGB", grid, (40, 90, 160)).save(buffer, "JPEG", exif=exif)
                upload = SimpleUploadedFile("upright.jpg", buffer.getvalue(), "image/jpeg")
                review = make_review(hero_image=upload, hero_alt="Alt")
                shown = grid[::-1] if orientation in (6, 8) else grid
                self.assertEqual((review.hero_width, review.hero_height), shown)
                for rendition in review.hero_image.renditions:
                    self.assertTrue(default_storage.exists(rendition.name), rendition.name)
                    with default_storage.open(rendition.name, "rb") as f, Image.open(f) as image:
                        self.assertEqual(image.width, rendition.width)
                for crop in review.hero_image.crops.values():
                    for rendition in crop.renditions:
                        self.assertTrue(default_storage.exists(rendition.name), rendition.name)

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

    def test_one_rendition_is_the_narrowest_at_least_as_wide_or_the_widest(self):
        wide = make_review(hero_image=image_upload(size=(1300, 700)), hero_alt="Alt").hero_image
        narrow = make_review(hero_image=image_upload(size=(900, 500)), hero_alt="Alt").hero_image
        self.assertEqual(wide.rendition(1000), wide.renditions[2])  # 1200 wide
        self.assertEqual(wide.rendition(1200).width, 1200)
        self.assertEqual(wide.rendition(1250).width, 1300)
        self.assertEqual(narrow.rendition(1200), narrow.renditions[-1])  # 900, its own width
        self.assertTrue(default_storage.exists(narrow.rendition(1200).name))
        self.assertIsNone(make_review().hero_image.rendition(1200))

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
