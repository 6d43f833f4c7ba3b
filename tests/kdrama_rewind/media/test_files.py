"""Stored images have names no one can guess, and files that nothing refers
to (a save killed half-way, a replaced image) are found and removed by
``manage.py clean_media``."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from reviews.models import Review, Revision
from reviews.social import card_name, ensure_card
from tests.clock import clock_at
from tests.factories import (
    image_bytes,
    image_upload,
    make_author,
    make_drama,
    make_person,
    make_review,
    stored_files,
)

RANDOM_NAME = r"[A-Za-z0-9_-]{22}"


def files_of(field_file) -> set[str]:
    """The original, its renditions and, for a field that keeps them, its crops."""
    crops = getattr(field_file, "crops", {}) or {}
    return {
        field_file.name,
        *(r.name for r in field_file.renditions),
        *(r.name for crop in crops.values() for r in crop.renditions),
    }


class MediaFolderTestCase(TestCase):
    """Each test gets a media folder of its own, so what it sees is its own."""

    def setUp(self):
        self.media = tempfile.mkdtemp(prefix="kdr-media-files-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)

    def media_environ(self) -> dict[str, str]:
        """The environment that points another process at this test's media."""
        return {"MEDIA_ROOT": self.media}


class StoredNameTests(MediaFolderTestCase):
    def test_an_upload_is_stored_under_a_random_name_and_its_renditions_follow(self):
        review = make_review(
            "Secret finale plans",
            published=False,
            hero_image=image_upload("secret-finale-plans.JPG"),
            hero_alt="A stage",
        )
        name = review.hero_image.name
        self.assertRegex(name, rf"^reviews/\d{{4}}/\d{{2}}/{RANDOM_NAME}\.jpg$")
        self.assertNotIn("secret", name.lower())
        stem = name.removesuffix(".jpg")
        self.assertTrue(review.hero_image.renditions)
        for rendition in review.hero_image.renditions:
            self.assertRegex(rendition.name, rf"^renditions/{re.escape(stem)}\.\d+w\.webp$")
        crop = rf"^crops/{re.escape(stem)}\.\w+-50-50\.\d+w\.webp$"
        for cut in review.hero_image.crops.values():
            for rendition in cut.renditions:
                self.assertRegex(rendition.name, crop)
        self.assertEqual(stored_files(), files_of(review.hero_image))

    def test_the_same_upload_twice_gets_two_names(self):
        one = make_review(hero_image=image_upload("hero.jpg"), hero_alt="A")
        two = make_review(hero_image=image_upload("hero.jpg"), hero_alt="A")
        self.assertNotEqual(one.hero_image.name, two.hero_image.name)

    def test_photos_and_posters_too(self):
        person = make_person(
            "Im Si-wan", photo=image_upload("im-si-wan.png", format="PNG"), photo_alt="A"
        )
        author = make_author(
            "Mina Park", photo=image_upload("mina.webp", format="WEBP"), photo_alt="A"
        )
        drama = make_drama("Run On", poster=image_upload("run-on-poster.jpg"), poster_alt="A")
        for stored, folder, extension in [
            (person.photo.name, "people", "png"),
            (author.photo.name, "authors", "webp"),
            (drama.poster.name, "dramas", "jpg"),
        ]:
            with self.subTest(folder=folder):
                self.assertRegex(stored, rf"^{folder}/{RANDOM_NAME}\.{extension}$")


class CleanMediaTests(MediaFolderTestCase):
    def clean(self, *args, hours_later=2):
        out = StringIO()
        with clock_at(timezone.now() + timedelta(hours=hours_later)):
            call_command("clean_media", *args, stdout=out)
        return out.getvalue()

    def test_only_files_nothing_refers_to_are_removed(self):
        review = make_review("Kept", hero_image=image_upload(), hero_alt="A")
        first = files_of(review.hero_image)
        # An editor replaces the image; an old version still names the first one.
        Revision.objects.create(review=review, snapshot={"hero_image": review.hero_image.name})
        review.hero_image.save("second.jpg", ContentFile(image_bytes(size=(900, 500))))
        review.refresh_from_db()
        second = files_of(review.hero_image)
        review.hero_image.save("third.jpg", ContentFile(image_bytes(size=(800, 500))))
        review.refresh_from_db()
        third = files_of(review.hero_image)
        ensure_card(review)
        # A review deleted with its revisions leaves its image and card behind.
        gone = make_review("Gone", hero_image=image_upload(), hero_alt="A")
        gone_files = {*files_of(gone.hero_image), ensure_card(gone)}
        gone.delete()
        # Something else in storage is none of this command's business.
        default_storage.save("exports/notes.txt", ContentFile(b"kept"))

        before = stored_files()
        out = self.clean("--dry-run")
        self.assertEqual(stored_files(), before, "a dry run removes nothing")
        orphans = second | gone_files
        for name in orphans:
            self.assertIn(f"Would remove {name}\n", out)
        self.assertIn(f"{len(orphans)} file(s) that nothing refers to", out)

        out = self.clean()
        self.assertEqual(
            stored_files(),
            first | third | {card_name(Review.objects.get(pk=review.pk)), "exports/notes.txt"},
        )
        self.assertIn(f"{len(orphans)} file(s) that nothing refers to", out)
        self.assertIn("removed.", out)
        self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 200)

    def test_young_files_may_belong_to_a_save_under_way_and_are_kept(self):
        default_storage.save("reviews/2026/11/in-flight.jpg", ContentFile(image_bytes()))
        out = self.clean(hours_later=0)
        self.assertIn("0 file(s)", out)
        self.assertEqual(stored_files(), {"reviews/2026/11/in-flight.jpg"})
        out = self.clean("--older-than", "0", hours_later=0)
        self.assertEqual(stored_files(), set())


SAVE_THEN_HANG = """
import sys, time
import django
django.setup()
from django.core.files.base import ContentFile
from reviews.models import Review
from tests.factories import image_bytes

review = Review(title="Killed mid-save", slug="killed-mid-save", hero_alt="A")
# What the admin does first when it saves: store the upload and its renditions.
review.hero_image.save("hero.jpg", ContentFile(image_bytes(size=(1300, 800))), save=False)
print(review.hero_image.name, flush=True)
time.sleep(120)  # killed here, before the row is written
"""


class KilledSaveTests(MediaFolderTestCase):
    def test_a_save_killed_after_writing_its_files_leaves_them_to_clean_media(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(self.media_environ(), DJANGO_SETTINGS_MODULE="kdrama_rewind.settings")
        process = subprocess.Popen(
            [sys.executable, "-c", SAVE_THEN_HANG],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            name = process.stdout.readline().strip()
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            process.stdout.close()
            process.stderr.close()
        self.assertTrue(name, "the save wrote its image before it was killed")
        left = stored_files()
        self.assertIn(name, left)
        self.assertGreater(len(left), 1, "and its renditions")
        self.assertFalse(Review.objects.filter(slug="killed-mid-save").exists())

        out = StringIO()
        with clock_at(timezone.now() + timedelta(hours=2)):
            call_command("clean_media", stdout=out)
        self.assertEqual(stored_files(), set())
        self.assertIn(f"Removed {name}\n", out.getvalue())
