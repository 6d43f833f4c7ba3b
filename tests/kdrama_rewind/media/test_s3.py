"""Media in object storage, against a real S3 API: moto's standalone server,
started by the test on a free port (tests/s3_server.py).

The first classes run the media tests of the rest of the suite again with
``MEDIA_STORAGE=s3`` (uploads, renditions, crops, social cards, the upload
kept across a question, import and export, ``clean_media``, ``load_demo``,
storage faults): the same assertions, with every file written to and read
from a bucket. The rest check what only a bucket has: the headers it serves
objects with, who may read and list it, and what its failures do to an
editor's save and to readers.
"""

import json
import re
import time
import urllib.error
import urllib.request
from datetime import timedelta
from io import StringIO
from unittest import mock
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from kdrama_rewind.media.s3 import MediaStorage, public_read_policy
from reviews.models import Review
from tests.clock import clock_at
from tests.factories import image_bytes, make_author, make_role_user, stored_files
from tests.kdrama_rewind.media import test_checks, test_files, test_images, test_sizes
from tests.redis_server import free_port
from tests.reviews import (
    test_admin,
    test_admin_forms,
    test_focal_point,
    test_interchange_exporter,
    test_interchange_importer,
    test_load_demo,
    test_sharing,
)
from tests.robustness import test_storage_faults
from tests.s3_server import OnS3, S3Server
from tests.sample_site import PublicSiteTestCase

# The rest of the suite's media tests, on a bucket.


class RenditionsOnS3(OnS3, test_images.RenditionTests):
    pass


class StoredSizesOnS3(OnS3, test_sizes.StoredSizeTests):
    pass


class TruncatedImagesOnS3(OnS3, test_checks.TruncatedImageTests):
    pass


class StoredNamesOnS3(OnS3, test_files.StoredNameTests):
    bucket_per_test = True


class CleanMediaOnS3(OnS3, test_files.CleanMediaTests):
    bucket_per_test = True


class KilledSaveOnS3(OnS3, test_files.KilledSaveTests):
    """The killed process is configured from the environment alone
    (``MEDIA_STORAGE=s3`` and the bucket's variables), as production is."""

    bucket_per_test = True


class CropsOnS3(OnS3, test_focal_point.CropTests):
    pass


class ExistingImagesOnS3(OnS3, test_focal_point.ExistingImagesTests):
    pass


class SocialCardsOnS3(OnS3, test_sharing.SocialCardTests):
    pass


class AdminUploadsOnS3(OnS3, test_admin.ReviewAuthoringTests):
    pass


class KeptUploadsOnS3(OnS3, test_admin_forms.KeptUploadTests):
    pass


class ImportOnS3(OnS3, test_interchange_importer.ImportTests):
    pass


class BadImportFilesOnS3(OnS3, test_interchange_importer.BadFileTests):
    pass


class ExportOnS3(OnS3, test_interchange_exporter.ExportTests):
    pass


class LoadDemoOnS3(OnS3, test_load_demo.LoadDemoTests):
    pass


class UnwritableStorageOnS3(OnS3, test_storage_faults.UnwritableStorageTests):
    bucket_per_test = True


# What only a bucket has.


def fetch(url: str, method: str = "GET"):
    """``url`` as a browser or a CDN fetches it: no credentials."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


class BucketServingTests(OnS3, PublicSiteTestCase):
    """The bucket serves each object with the site's media rules
    (kdrama_rewind/media/serving.py), stored with it when it was written."""

    @classmethod
    def setUpTestData(cls):
        cls.s3.client.put_bucket_policy(
            Bucket=cls.bucket, Policy=json.dumps(public_read_policy(cls.bucket))
        )
        super().setUpTestData()

    def test_pages_link_images_on_the_bucket_and_the_bucket_serves_them(self):
        page = self.client.get(self.review.get_absolute_url()).content.decode()
        bucket = f"{self.s3.endpoint}/{self.bucket}/"
        linked = set(re.findall(rf"{re.escape(bucket)}[^\s\"]+", page))
        self.assertGreaterEqual(len(linked), 4, "the hero's crops, at each width")
        for url in linked:
            with self.subTest(url=url):
                status, headers, body = fetch(url)
                self.assertEqual(status, 200)
                self.assertEqual(headers["Content-Type"], "image/webp")
                self.assertTrue(headers["Content-Disposition"].startswith("inline;"))
                self.assertEqual(headers["Cache-Control"], "public, max-age=31536000, immutable")
                with default_storage.open(url.removeprefix(bucket), "rb") as stored:
                    self.assertEqual(body, stored.read())

    def test_renditions_are_served_inline_and_kept_for_a_year(self):
        for rendition in self.review.hero_image.renditions:
            status, headers, _ = fetch(rendition.url)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "image/webp")
            self.assertEqual(headers["Cache-Control"], "public, max-age=31536000, immutable")

    def test_crops_are_kept_for_a_year_and_originals_for_a_day(self):
        hero = self.review.hero_image
        crop = hero.crops["wide"].renditions[0]
        status, headers, _ = fetch(crop.url)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "image/webp")
        self.assertEqual(headers["Cache-Control"], "public, max-age=31536000, immutable")
        status, headers, body = fetch(hero.url)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "image/jpeg")
        self.assertTrue(headers["Content-Disposition"].startswith("inline;"))
        self.assertEqual(headers["Cache-Control"], "public, max-age=86400")
        self.assertTrue(body.startswith(b"\xff\xd8"))

    def test_anything_else_is_a_download_never_a_page(self):
        for name, content in [
            ("uploads-test/page.html", b"<script>alert(1)</script>"),
            ("uploads-test/drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
            ("uploads-test/photo.jpg.html", b"<html></html>"),
        ]:
            with self.subTest(name=name):
                stored = default_storage.save(name, ContentFile(content))
                self.addCleanup(default_storage.delete, stored)
                status, headers, _ = fetch(default_storage.url(stored))
                self.assertEqual(status, 200)
                self.assertEqual(headers["Content-Type"], "application/octet-stream")
                self.assertTrue(headers["Content-Disposition"].startswith("attachment;"))

    def test_the_social_card_is_stored_with_its_headers(self):
        self.client.get(test_sharing.card_url(self.review))
        name = test_sharing.card_name(self.review)
        head = self.s3.client.head_object(Bucket=self.bucket, Key=name)
        self.assertEqual(head["ContentType"], "image/jpeg")
        self.assertEqual(head["CacheControl"], "public, max-age=31536000, immutable")

    def test_the_feed_encloses_the_image_on_the_bucket_with_its_size(self):
        feed = ElementTree.fromstring(self.client.get("/feeds/reviews/").content)
        enclosure = next(e for e in feed.iter("enclosure"))
        status, _, body = fetch(enclosure.get("url"))
        self.assertEqual(status, 200)
        self.assertEqual(int(enclosure.get("length")), len(body))


class BucketAccessTests(OnS3, TestCase):
    """Objects are readable by name only because the bucket's policy says
    so, and the policy grants nothing else. (moto does not check who lists a
    bucket, so listing is checked on the policy; S3 refuses a listing that
    no policy grants.)"""

    bucket_per_test = True

    def test_without_the_policy_nothing_is_readable_without_the_key(self):
        name = default_storage.save("renditions/private.800w.webp", ContentFile(b"RIFF"))
        self.assertEqual(fetch(default_storage.url(name))[0], 403)
        self.s3.client.put_bucket_policy(
            Bucket=self.bucket, Policy=json.dumps(public_read_policy(self.bucket))
        )
        self.assertEqual(fetch(default_storage.url(name))[0], 200)

    def test_the_policy_lets_anyone_read_an_object_by_name_and_do_nothing_else(self):
        policy = public_read_policy(self.bucket)
        (statement,) = policy["Statement"]
        self.assertEqual(statement["Effect"], "Allow")
        self.assertEqual(statement["Action"], "s3:GetObject")
        self.assertEqual(statement["Resource"], f"arn:aws:s3:::{self.bucket}/*")
        out = StringIO()
        call_command("media_bucket_policy", stdout=out)
        self.assertEqual(json.loads(out.getvalue()), policy)

    def test_no_object_is_written_with_an_acl_of_its_own(self):
        name = default_storage.save("renditions/acl.800w.webp", ContentFile(b"RIFF"))
        grants = self.s3.client.get_object_acl(Bucket=self.bucket, Key=name)["Grants"]
        self.assertEqual([grant["Permission"] for grant in grants], ["FULL_CONTROL"])
        self.assertNotIn("URI", grants[0]["Grantee"], "granted to no group such as AllUsers")


def refuse_writes(s3: S3Server, bucket: str):
    """Make the bucket refuse every write, as a revoked permission would."""
    s3.client.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )


class S3FaultTests(TestCase):
    """The bucket refuses, cannot be reached, or stops answering, while an
    editor saves: the form comes back with the reason and what was written,
    nothing is saved, and no request waits longer than the storage's bounds.
    These tests start (and freeze, and kill) a server of their own."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "editor")
        cls.author = make_author("Mina Park")

    def setUp(self):
        self.s3 = S3Server()
        self.addCleanup(self.s3.kill)
        self.bucket = self.s3.new_bucket()
        self.use_storage()
        self.client.force_login(self.editor)

    def use_storage(self, endpoint=None, **options):
        storages = self.s3.storages(self.bucket, **options)
        if endpoint:
            storages["default"]["OPTIONS"]["endpoint_url"] = endpoint
        media = override_settings(STORAGES=storages)
        media.enable()
        self.addCleanup(media.disable)

    def post(self):
        data = test_admin.review_form(
            self.author,
            title="Written while the bucket was away",
            hero_image=SimpleUploadedFile("hero.jpg", image_bytes(size=(1300, 800)), "image/jpeg"),
            hero_alt="Two runners at dusk",
        )
        started = time.monotonic()
        response = self.client.post("/admin/reviews/review/add/", data)
        return response, time.monotonic() - started

    def assert_nothing_saved(self, response, reason):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The image could not be stored just now")
        self.assertContains(response, reason)
        self.assertContains(response, "Written while the bucket was away")  # the text is kept
        self.assertFalse(Review.objects.filter(title="Written while the bucket was away").exists())

    def write_through(self, after: int, then):
        """Let ``after`` files reach the bucket, then call ``then()``."""
        real_save = MediaStorage._save
        written = []

        def save(storage, name, content):
            if len(written) == after:
                then()
            stored = real_save(storage, name, content)
            written.append(stored)
            return stored

        return mock.patch.object(MediaStorage, "_save", save), written

    def test_a_bucket_that_refuses_writes(self):
        refuse_writes(self.s3, self.bucket)
        response, _ = self.post()
        # moto answers a bare 403 where S3 names it AccessDenied.
        self.assert_nothing_saved(response, "the media storage refused the request (403)")
        self.assertEqual(self.s3.keys(self.bucket), set())

    def test_a_bucket_that_starts_refusing_part_way_keeps_nothing(self):
        part_way, written = self.write_through(2, lambda: refuse_writes(self.s3, self.bucket))
        with part_way:
            response, _ = self.post()
        self.assertEqual(len(written), 2, "the original and a rendition reached the bucket")
        self.assert_nothing_saved(response, "the media storage refused the request")
        self.assertEqual(self.s3.keys(self.bucket), set(), "and were removed from it")

    def test_an_unreachable_storage_answers_at_once(self):
        self.use_storage(endpoint=f"http://127.0.0.1:{free_port()}")  # nothing listens
        response, took = self.post()
        self.assert_nothing_saved(response, "the media storage cannot be reached")
        self.assertLess(took, 5)
        self.assertEqual(self.s3.keys(self.bucket), set())

    def test_a_storage_that_stops_answering_holds_a_save_no_longer_than_its_bounds(self):
        """Production's bounds: 2 s to connect, 5 s for an answer, two tries."""
        self.s3.freeze()
        response, took = self.post()
        self.assert_nothing_saved(response, "the media storage did not answer in time")
        self.assertLess(took, 16)
        response, took = self.post()  # while it is known to be away: at once
        self.assert_nothing_saved(response, "the media storage cannot be reached")
        self.assertLess(took, 1)
        self.s3.thaw()
        self.assertEqual(self.s3.keys(self.bucket), set())

    def test_a_storage_lost_mid_save_leaves_its_files_to_clean_media(self):
        """The save cannot remove what it wrote from a storage that is gone:
        those files wait for ``clean_media``, like a killed process's."""
        self.use_storage(read_timeout=1, max_attempts=1, unreachable_pause=3)
        mid_save, written = self.write_through(2, self.s3.freeze)
        with mid_save:
            response, took = self.post()
        self.assert_nothing_saved(response, "the media storage did not answer in time")
        self.assertLess(took, 5)
        self.s3.thaw()
        time.sleep(3)  # the storage is tried again after its pause
        self.assertEqual(stored_files(), set(written))
        out = StringIO()
        with clock_at(timezone.now() + timedelta(hours=2)):
            call_command("clean_media", stdout=out)
        self.assertEqual(self.s3.keys(self.bucket), set())
        self.assertIn("2 file(s) that nothing refers to", out.getvalue())


class ReadersWhileStorageIsAwayTests(OnS3, PublicSiteTestCase):
    """Pages never call the storage: image addresses are built, not looked
    up. The feed asks each image's size, and goes out without it; a social
    card not drawn yet gives way to the site's default card."""

    def test_pages_and_feeds_answer_while_the_storage_cannot_be_reached(self):
        away = self.s3.storages(self.bucket)
        away["default"]["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{free_port()}"
        with override_settings(STORAGES=away):
            for url in [self.review.get_absolute_url(), "/", "/dramas/run-on/"]:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)
            started = time.monotonic()
            feed = self.client.get("/feeds/reviews/")
            self.assertLess(time.monotonic() - started, 5)
            card = self.client.get(test_sharing.card_url(self.review))
            self.assertRedirects(
                card, "/static/social-default.png", status_code=302, fetch_redirect_response=False
            )
        self.assertEqual(feed.status_code, 200)
        enclosure = next(ElementTree.fromstring(feed.content).iter("enclosure"))
        self.assertEqual(enclosure.get("length"), "0")
        self.assertIn(f"/{self.bucket}/renditions/", enclosure.get("url"))


class BucketPolicyCommandTests(TestCase):
    def test_without_a_bucket_the_command_says_so(self):
        with self.assertRaisesMessage(CommandError, "Media is not on S3: set MEDIA_STORAGE=s3"):
            call_command("media_bucket_policy", stdout=StringIO())
