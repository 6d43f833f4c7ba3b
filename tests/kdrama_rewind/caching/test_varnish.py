"""The site behind Varnish, as production runs it: the repository's
deploy/varnish/default.vcl in a varnishd of the test's own
(tests/varnish_server.py) in front of Django's live server, with the site
sending its purges there (``CACHE_PURGE_URL``). Readers' requests go through
Varnish; ``X-Cache`` says whether Varnish answered (HIT), fetched (MISS) or
passed the request through (PASS).

Changes are made with the services editors use, in the test's thread; their
after-commit purges reach Varnish as they do in production. Varnish keeps
real time, so the scheduling test waits a few real seconds.
"""

import re
import socket
import threading
import time
import unittest
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.core.cache import cache
from django.test import LiveServerTestCase, override_settings
from django.utils import timezone

from kdrama_rewind.caching.purge import purge_everything
from reviews.models import PreviewLink, Review
from reviews.services.editing import ReviewEdit, edit_review
from reviews.services.workflow import add_correction, publish_review, unpublish_review
from tests.factories import make_column, make_drama, make_review, make_user
from tests.varnish_server import VarnishServer, require_varnishd


@override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300)
class BehindVarnish(LiveServerTestCase):
    # Keeps the rows data migrations made (the newsroom's groups) for the
    # transactional tests that run after these, as every such test here does.
    serialized_rollback = True
    purgers = ("127.0.0.1",)
    probe = {}

    @classmethod
    def setUpClass(cls):
        require_varnishd()  # skip (or fail, in CI) before starting anything
        super().setUpClass()
        cls.varnish = VarnishServer(
            f"{cls.host}:{cls.server_thread.port}", purgers=cls.purgers, **cls.probe
        )
        cls.addClassCleanup(cls.varnish.stop)
        cls.enterClassContext(override_settings(CACHE_PURGE_URL=cls.varnish.url + "/"))

    def setUp(self):
        cache.clear()
        # Each test starts with nothing in Varnish: pages of an earlier
        # test's reviews (same addresses, other rows) must not answer.
        ban = self.varnish.request("/", method="BAN", source=self.purgers[0])
        self.assertEqual(ban[0], 200)
        self.editor = make_user(superuser=True)
        self.column = make_column("K-Drama Rewind", is_featured=True)
        self.run_on = make_drama("Run On")
        self.misaeng = make_drama("Misaeng")
        self.review = make_review("Run On takes its time", column=self.column, dramas=[self.run_on])
        self.other = make_review("Misaeng at the office", dramas=[self.misaeng])

    def get(self, path, **headers):
        status, found, body = self.varnish.request(path, headers=headers)
        return status, found.get("x-cache"), body.decode(errors="replace"), found

    def assertShows(self, body: str, text: str, *, shown: bool = True):
        where = "shown" if (text in body) else "not shown"
        self.assertEqual(text in body, shown, f"{text!r} is {where} on the page")

    def cached(self, path, **headers):
        """Fetch ``path`` until Varnish holds it; its body."""
        self.get(path, **headers)
        status, x_cache, body, _ = self.get(path, **headers)
        self.assertEqual((status, x_cache), (200, "HIT"), f"{path} is not cached by Varnish")
        return body


class ReadersTests(BehindVarnish):
    def test_a_public_page_is_served_by_varnish_to_every_reader(self):
        url = self.review.get_absolute_url()
        status, x_cache, first, headers = self.get(url)
        self.assertEqual((status, x_cache), (200, "MISS"))
        self.assertShows(first, "Run On takes its time")
        # Cookies a public page does not read (CSRF, analytics) do not split the cache.
        status, x_cache, again, headers = self.get(url, Cookie="csrftoken=abc; _ga=GA1.2.3")
        self.assertEqual((status, x_cache), (200, "HIT"))
        self.assertEqual(again, first)
        # What is for Varnish stays in Varnish.
        for internal in ("surrogate-key", "xkey", "surrogate-control", "x-varnish", "via"):
            self.assertNotIn(internal, headers)
        self.assertRegex(headers["cache-control"], r"\bpublic\b.*max-age=\d+|max-age=\d+.*public")
        self.assertLessEqual(int(re.search(r"max-age=(\d+)", headers["cache-control"])[1]), 60)

    def test_the_site_names_what_each_page_shows(self):
        """The contract Varnish purges by: every public page carries its keys."""
        response = self.client.get(self.review.get_absolute_url())
        keys = response.get("Surrogate-Key", "").split()
        self.assertIn(f"review:{self.review.pk}", keys, "the site sends no Surrogate-Key")

    def test_pages_not_marked_public_are_not_kept(self):
        # A missing review is a 404 the site does not mark public: asked for
        # again after it is published, it is there at once.
        draft = make_review("Not out yet", published=False)
        self.assertEqual(self.get(draft.get_absolute_url())[:2], (404, "MISS"))
        self.assertEqual(self.get(draft.get_absolute_url())[:2], (404, "MISS"))


class PurgeTests(BehindVarnish):
    def test_an_unpublished_review_is_gone_for_readers_at_once(self):
        url = self.review.get_absolute_url()
        self.cached(url)
        self.assertShows(self.cached("/"), "Run On takes its time")
        self.assertShows(self.cached(self.run_on.get_absolute_url()), "Run On takes its time")

        unpublish_review(review=self.review, by=self.editor)

        self.assertEqual(self.get(url)[0], 404)
        self.assertShows(self.get("/")[2], "Run On takes its time", shown=False)
        self.assertShows(
            self.get(self.run_on.get_absolute_url())[2], "Run On takes its time", shown=False
        )

    def test_an_edit_of_one_review_leaves_the_others_cached(self):
        url, other_url = self.review.get_absolute_url(), self.other.get_absolute_url()
        self.cached(url)
        self.cached(other_url)
        misaeng_url = self.misaeng.get_absolute_url()
        self.cached(misaeng_url)

        edit_review(
            review=self.review,
            edit=ReviewEdit(fields={"standfirst": "A slower, kinder drama than it looks."}),
            by=self.editor,
            via="test",
        )

        status, x_cache, body, _ = self.get(url)
        self.assertEqual((status, x_cache), (200, "MISS"))
        self.assertShows(body, "A slower, kinder drama than it looks.")
        self.assertEqual(self.get(other_url)[:2], (200, "HIT"))
        self.assertEqual(self.get(misaeng_url)[:2], (200, "HIT"))

    def test_a_correction_reaches_readers_at_once(self):
        url = self.review.get_absolute_url()
        self.cached(url)
        add_correction(
            review=self.review, by=self.editor, kind="correction", text="Episode 5, not 6."
        )
        self.assertShows(self.get(url)[2], "Episode 5, not 6.")


class BusySiteTests(BehindVarnish):
    """A site that answers the health probe too late (busy, not down) is
    still asked for the pages Varnish does not hold: here the probe asks an
    address the site answers 404, so Varnish soon counts the site as down."""

    probe = {"probe_url": "/no-such-address/", "probe_interval": "0.2s"}

    def test_a_page_varnish_does_not_hold_is_fetched_all_the_same(self):
        time.sleep(1.5)  # three probes failed: the site counts as down
        status, x_cache, body, _ = self.get(self.review.get_absolute_url())
        self.assertEqual((status, x_cache), (200, "MISS"))
        self.assertShows(body, "Run On takes its time")


class PassTests(BehindVarnish):
    def signed_in(self):
        self.client.force_login(self.editor)
        return {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.client.cookies['sessionid'].value}"
        }

    def test_staff_pages_and_previews_at_public_addresses_are_never_cached(self):
        draft = make_review("A draft only staff see", published=False)
        staff = self.signed_in()
        for _ in range(2):
            status, x_cache, body, headers = self.get(draft.get_absolute_url(), **staff)
            self.assertEqual((status, x_cache), (200, "PASS"))
            self.assertShows(body, "A draft only staff see")
            self.assertIn("private", headers["cache-control"])
            self.assertEqual(self.get(self.review.get_absolute_url(), **staff)[:2], (200, "PASS"))
        # Readers never get what staff saw.
        self.assertEqual(self.get(draft.get_absolute_url())[0], 404)
        status, x_cache, body, _ = self.get(self.review.get_absolute_url())
        self.assertEqual(x_cache, "MISS")
        self.assertShows(body, "Preview", shown=False)

    def test_shareable_preview_links_are_never_cached(self):
        draft = make_review("Shared draft", published=False)
        link = PreviewLink.objects.create(
            review=draft, created_by=self.editor, expires_at=timezone.now() + timedelta(days=1)
        )
        url = link.get_absolute_url()
        for _ in range(2):
            status, x_cache, body, headers = self.get(url)
            self.assertEqual((status, x_cache), (200, "PASS"))
            self.assertShows(body, "Shared draft")
        link.revoked_at = timezone.now()
        link.save()
        self.assertEqual(self.get(url)[0], 410)

    def test_the_admin_is_passed_through(self):
        for _ in range(2):
            status, x_cache, _, _ = self.get("/admin/login/")
            self.assertEqual((status, x_cache), (200, "PASS"))
        self.assertEqual(self.get("/admin/reviews/review/", **self.signed_in())[:2], (200, "PASS"))

    def test_a_reader_signs_up_for_the_newsletter_through_varnish(self):
        """The sign-up form's CSRF cookie and token reach the site intact."""
        status, x_cache, body, headers = self.get("/newsletter/")
        self.assertEqual((status, x_cache), (200, "PASS"))
        cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"])[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
        status, found, _ = self.varnish.request(
            "/newsletter/",
            method="POST",
            body=f"csrfmiddlewaretoken={token}&email=reader%40example.com".encode(),
            headers={
                "Cookie": f"csrftoken={cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.varnish.url + "/newsletter/",
                "Origin": self.varnish.url,
            },
        )
        self.assertEqual(status, 302, "the sign-up was refused")
        self.assertEqual(found["x-cache"], "PASS")
        self.assertTrue(found["location"].endswith("/newsletter/check-your-inbox/"))


class SchedulingTests(BehindVarnish):
    def test_a_scheduled_review_goes_live_on_time(self):
        at = timezone.now() + timedelta(seconds=3)
        scheduled = make_review("Due in three seconds", published=False, column=self.column)
        publish_review(review=scheduled, by=self.editor, at=at)
        self.assertEqual(Review.objects.get(pk=scheduled.pk).status, Review.Status.SCHEDULED)
        self.assertShows(self.cached("/"), "Due in three seconds", shown=False)
        # Varnish keeps real time: wait for the moment itself.
        time.sleep(max(0, (at - timezone.now()).total_seconds()) + 0.1)
        status, _, body, _ = self.get("/")
        self.assertEqual(status, 200)
        self.assertShows(body, "Due in three seconds")
        self.assertEqual(self.get(scheduled.get_absolute_url())[0], 200)

    def test_a_scheduled_update_reaches_readers_on_time(self):
        """Applied by the first request after its time, which Varnish lets
        through: it keeps the page no longer than that."""
        at = timezone.now() + timedelta(seconds=3)
        url = self.review.get_absolute_url()
        edit_review(
            review=self.review,
            edit=ReviewEdit(fields={"standfirst": "Rewatched for the finale."}),
            by=self.editor,
            via="test",
            apply_at=at,
        )
        self.assertShows(self.cached(url), "Rewatched for the finale.", shown=False)
        time.sleep(max(0, (at - timezone.now()).total_seconds()) + 0.1)
        self.assertShows(self.get(url)[2], "Rewatched for the finale.")

    def test_varnish_counts_a_page_lifetime_from_when_the_site_made_it(self):
        """A page Varnish fetches from the site's page cache comes with its
        Age, so Varnish keeps it no longer than the site said when it made
        it (never past the next scheduled moment)."""
        url = self.review.get_absolute_url()
        self.cached(url)
        time.sleep(2)
        purge_everything()  # Varnish forgets it; the site's page cache does not
        status, x_cache, _, headers = self.get(url)
        self.assertEqual((status, x_cache), (200, "MISS"))
        self.assertGreaterEqual(int(headers["age"]), 2)


class PurgeAccessTests(BehindVarnish):
    purgers = ("127.0.0.1",)

    def test_a_purge_from_an_address_outside_the_acl_is_refused(self):
        url = self.review.get_absolute_url()
        self.cached(url)
        status, _, _ = self.varnish.request(
            "/",
            method="PURGE",
            headers={"xkey-purge": f"review:{self.review.pk}"},
            source="127.0.0.2",
        )
        self.assertEqual(status, 403)
        self.assertEqual(self.get(url)[:2], (200, "HIT"))

    def test_a_purge_without_keys_is_refused(self):
        status, _, body = self.varnish.request("/", method="PURGE")
        self.assertEqual(status, 400)
        self.assertIn(b"xkey-purge", body)


class CutOffFetchTests(unittest.TestCase):
    """A fetch the site cuts off (a worker killed half-way) is asked once
    more before any reader sees an error. A stand-in site here drops the
    first connection for a page without answering."""

    def setUp(self):
        require_varnishd()
        asked = self.asked = []

        class StandIn(BaseHTTPRequestHandler):
            def do_GET(self):
                asked.append(self.path)
                if self.path == "/page/" and asked.count("/page/") == 1:
                    self.connection.shutdown(socket.SHUT_RDWR)  # no answer at all
                    return
                body = b"the page"
                self.send_response(200)
                self.send_header("Cache-Control", "public, max-age=60")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        site = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        self.addCleanup(site.server_close)
        self.addCleanup(site.shutdown)
        self.varnish = VarnishServer(f"127.0.0.1:{site.server_port}")
        self.addCleanup(self.varnish.stop)

    def test_the_reader_gets_the_page_from_the_second_try(self):
        status, _, body = self.varnish.request("/page/")
        self.assertEqual((status, body), (200, b"the page"))
        self.assertEqual(self.asked.count("/page/"), 2)
