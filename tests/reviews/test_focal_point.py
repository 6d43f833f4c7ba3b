"""The hero's focal point: the crops readers see (the review page's 16:9,
square cards, the social card) keep it in frame, and moving it makes them
again, through the one editing path."""

import hashlib
import io
import tempfile
import unittest
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageStat

from kdrama_rewind.media.renditions import focal_box
from reviews.interchange import export_reviews, import_review_file, parse
from reviews.models import Review
from reviews.services import ReviewEdit, edit_review, restore_revision
from reviews.social import DESIGN, card_digest, card_url, draw_card
from tests.factories import change_form_data, make_review, make_role_user

WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def half_and_half(size=(2000, 600), *, white="right") -> io.BytesIO:
    """An image black on one side and white on the other: where a crop
    falls shows in its mean brightness."""
    image = Image.new("RGB", size, BLACK)
    width, height = size
    box = (width // 2, 0, width, height) if white == "right" else (0, height // 2, width, height)
    image.paste(WHITE, box)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "halves.png"
    return buffer


def brightness(data) -> float:
    with Image.open(io.BytesIO(data)) as image:
        return ImageStat.Stat(image.convert("L")).mean[0] / 255


def stored_crop(review: Review, kind: str) -> bytes:
    rendition = review.hero_image.crops[kind].renditions[0]
    with default_storage.open(rendition.name, "rb") as file:
        return file.read()


class FocalBoxTests(unittest.TestCase):
    @hypothesis_settings(max_examples=300, deadline=None)
    @given(
        width=st.integers(1, 6000),
        height=st.integers(1, 6000),
        shape=st.sampled_from([(16, 9), (1, 1), (1200, 630), (2, 3)]),
        x=st.integers(0, 100),
        y=st.integers(0, 100),
    )
    def test_the_box_has_the_shape_lies_in_the_image_and_holds_the_point(
        self, width, height, shape, x, y
    ):
        left, top, right, bottom = focal_box(width, height, shape, (x, y))
        self.assertTrue(0 <= left < right <= width and 0 <= top < bottom <= height)
        # As large as the image allows: it fills one dimension.
        self.assertTrue(right - left == width or bottom - top == height)
        # The shape, to the pixel (a box cannot be thinner than one pixel).
        across, down = shape
        box_width, box_height = right - left, bottom - top
        if box_width > 1 and box_height > 1:
            self.assertLessEqual(abs(box_width * down - box_height * across), max(across, down))
        # The focal point is in frame (to the pixel it falls in).
        self.assertTrue(left <= width * x / 100 <= right and top <= height * y / 100 <= bottom)

    def test_the_point_is_centred_when_the_edges_allow(self):
        self.assertEqual(focal_box(1600, 900, (1, 1), (50, 50)), (350, 0, 1250, 900))
        self.assertEqual(focal_box(1600, 900, (1, 1), (10, 50)), (0, 0, 900, 900))
        self.assertEqual(focal_box(1600, 900, (1, 1), (60, 50)), (510, 0, 1410, 900))


class CropTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "editor", author_name="Mina Park")

    def make(self, **fields):
        image = half_and_half()
        return make_review(
            "Halves",
            author=self.editor.author,
            hero_image=_upload(image),
            hero_alt="Black and white halves",
            **fields,
        )

    def test_the_crops_are_stored_with_the_image_around_its_focal_point(self):
        review = self.make(hero_focus_x=90)
        wide, square = review.hero_image.crops["wide"], review.hero_image.crops["square"]
        self.assertEqual((wide.original_width, wide.original_height), (1067, 600))
        self.assertEqual((square.original_width, square.original_height), (600, 600))
        self.assertIn(".wide-90-50.", wide.src)
        for crop in (wide, square):
            for rendition in crop.renditions:
                self.assertTrue(default_storage.exists(rendition.name), rendition.name)
        self.assertGreater(brightness(stored_crop(review, "square")), 0.99)  # all white

    def test_moving_the_point_makes_new_crops_that_pages_then_show(self):
        review = self.make()
        before = review.hero_image.crops["square"].src
        result = edit_review(
            review=review,
            edit=ReviewEdit(fields={"hero_focus_x": 5, "hero_focus_y": 50}),
            by=self.editor,
            via="a test",
        )
        review = Review.objects.get(pk=review.pk)
        self.assertTrue(result.changed)
        self.assertNotEqual(review.hero_image.crops["square"].src, before)
        self.assertLess(brightness(stored_crop(review, "square")), 0.01)  # all black now
        self.assertEqual(result.revision.summary, "Changed hero focal point")
        page = self.client.get(review.get_absolute_url()).content.decode()
        self.assertIn(review.hero_image.crops["wide"].src, page)
        self.assertNotIn(".wide-50-50.", page)

    def test_restoring_a_version_brings_its_point_and_crops_back(self):
        review = self.make(hero_focus_x=90)
        edit_review(
            review=review,
            edit=ReviewEdit(fields={"title": "Halves, again"}),
            by=self.editor,
            via="a test",
        )
        first = review.revisions.order_by("created_at", "id").first()
        kept = review.hero_image.crops["wide"].renditions
        edit_review(
            review=Review.objects.get(pk=review.pk),
            edit=ReviewEdit(fields={"hero_focus_x": 10}),
            by=self.editor,
            via="a test",
        )
        for rendition in kept:  # as a clean-up of unused crops would leave storage
            default_storage.delete(rendition.name)
        review = Review.objects.get(pk=review.pk)
        restore_revision(review=review, revision=first, by=self.editor)
        review = Review.objects.get(pk=review.pk)
        self.assertEqual((review.hero_focus_x, review.hero_focus_y), (90, 50))
        for rendition in review.hero_image.crops["wide"].renditions:
            self.assertTrue(default_storage.exists(rendition.name), rendition.name)

    def test_the_social_card_is_cut_around_the_point_and_changes_address(self):
        review = self.make()
        centred = card_digest(review)
        review.hero_focus_x = 95
        self.assertNotEqual(card_digest(review), centred)
        on_white = brightness(draw_card(review))  # 7/8 of the card is the white half
        review.hero_focus_x = 5
        on_black = brightness(draw_card(review))  # 1/8
        self.assertGreater(on_white - on_black, 0.3)
        self.assertIn(card_digest(review), card_url(review))

    def test_a_centred_point_keeps_the_cards_address_it_had_before(self):
        review = self.make()
        drawn = "\n".join([DESIGN, review.title, review.hero_image.name, ""])
        self.assertEqual(card_digest(review), hashlib.sha256(drawn.encode()).hexdigest()[:16])

    def test_the_editor_sets_the_point_in_the_form(self):
        review = self.make()
        self.client.force_login(self.editor)
        data = change_form_data(self.client, review, hero_focus_x="20", hero_focus_y="70")
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        review = Review.objects.get(pk=review.pk)
        self.assertEqual((review.hero_focus_x, review.hero_focus_y), (20, 70))
        self.assertTrue(default_storage.exists(review.hero_image.crops["wide"].renditions[0].name))

    def test_a_point_outside_the_image_is_refused(self):
        review = self.make()
        self.client.force_login(self.editor)
        for value in ("101", "-1"):
            with self.subTest(value=value):
                data = change_form_data(self.client, review, hero_focus_x=value)
                response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["adminform"].form.errors["hero_focus_x"])
        self.assertEqual(Review.objects.get(pk=review.pk).hero_focus_x, 50)

    def test_a_form_that_leaves_the_point_out_leaves_it_where_it_is(self):
        review = self.make(hero_focus_x=80)
        self.client.force_login(self.editor)
        data = change_form_data(self.client, review, title="Halves, renamed")
        del data["hero_focus_x"], data["hero_focus_y"]
        self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        review = Review.objects.get(pk=review.pk)
        self.assertEqual((review.title, review.hero_focus_x), ("Halves, renamed", 80))

    def test_an_export_keeps_the_point_and_imports_it_again(self):
        review = self.make(hero_focus_x=30, hero_focus_y=70, slug="halves")
        with tempfile.TemporaryDirectory() as folder:
            export_reviews(directory=Path(folder))
            text = (Path(folder) / "halves.md").read_text()
            self.assertEqual(parse(text).hero.focus, (30, 70))
            Review.objects.filter(pk=review.pk).update(hero_focus_x=50, hero_focus_y=50)
            import_review_file(path=Path(folder) / "halves.md")
        review = Review.objects.get(pk=review.pk)
        self.assertEqual((review.hero_focus_x, review.hero_focus_y), (30, 70))


def _upload(buffer) -> SimpleUploadedFile:
    return SimpleUploadedFile(buffer.name, buffer.getvalue(), "image/png")


class ExistingImagesTests(TestCase):
    def test_the_migration_cuts_images_stored_before_crops_existed(self):
        cut_hero_images = import_module("reviews.migrations.0011_hero_crops").cut_hero_images
        review = make_review("Old", hero_image=_upload(half_and_half()), hero_alt="Halves")
        crops = [r.name for crop in review.hero_image.crops.values() for r in crop.renditions]
        for name in crops:
            default_storage.delete(name)
        make_review(
            "Gone",
            hero_image="reviews/gone.jpg",
            hero_width=1600,
            hero_height=900,
            hero_alt="Gone from storage",
        )
        cut_hero_images(apps, None)  # a missing original is passed over
        self.assertTrue(all(default_storage.exists(name) for name in crops))
