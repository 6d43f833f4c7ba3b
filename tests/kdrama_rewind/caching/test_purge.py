"""The site's purges (kdrama_rewind/caching/purge.py) against a real Varnish running
the repository's VCL (tests/varnish_server.py), and against addresses that
refuse, never answer or are not allowed to purge: the caller never sees an
error, waits a bounded time, and the failure is logged once."""

import socket
import time

from django.test import SimpleTestCase, override_settings

from kdrama_rewind.caching.purge import VarnishPurger, batches, purge_everything, purge_keys
from tests.kdrama_rewind.caching.test_varnish import BehindVarnish
from tests.redis_server import free_port


class PurgeByKeyTests(BehindVarnish):
    def test_purging_a_review_key_drops_its_page_and_no_other(self):
        url, other_url = self.review.get_absolute_url(), self.other.get_absolute_url()
        self.cached(url)
        self.cached(other_url)
        purge_keys([f"review:{self.review.pk}"])
        self.assertEqual(self.get(url)[:2], (200, "MISS"))
        self.assertEqual(self.get(other_url)[:2], (200, "HIT"))

    def test_many_keys_go_in_batches_varnish_accepts(self):
        keys = [f"review:{n}" for n in range(100_000, 102_000)] + [f"review:{self.review.pk}"]
        self.assertGreater(len(list(batches(sorted(keys)))), 1)
        url = self.review.get_absolute_url()
        self.cached(url)
        with self.assertNoLogs("kdrama_rewind.caching.purge"):
            purge_keys(keys)
        self.assertEqual(self.get(url)[:2], (200, "MISS"))

    def test_purging_everything_drops_every_page(self):
        url, other_url = self.review.get_absolute_url(), self.other.get_absolute_url()
        self.cached(url)
        self.cached(other_url)
        with self.assertNoLogs("kdrama_rewind.caching.purge"):
            purge_everything()
        self.assertEqual(self.get(url)[:2], (200, "MISS"))
        self.assertEqual(self.get(other_url)[:2], (200, "MISS"))


class RefusedPurgeTests(BehindVarnish):
    purgers = ("127.0.0.2",)  # not the site's address

    def test_a_purge_varnish_refuses_is_logged_and_the_page_stays(self):
        url = self.review.get_absolute_url()
        self.cached(url)
        # Another address for the same Varnish: setUp's own purges were
        # refused already, and an address that failed is skipped for 5 s.
        address = f"{self.varnish.url}/from-another-process/"
        with override_settings(CACHE_PURGE_URL=address):
            with self.assertLogs("kdrama_rewind.caching.purge", "WARNING") as logged:
                purge_keys([f"review:{self.review.pk}"])
        self.assertIn("403", logged.output[0])
        self.assertIn(address, logged.output[0])
        self.assertEqual(self.get(url)[:2], (200, "HIT"))


class PurgeTargetDownTests(SimpleTestCase):
    def test_nothing_listening_costs_nothing_and_is_logged_once(self):
        url = f"http://127.0.0.1:{free_port()}/"
        with override_settings(CACHE_PURGE_URL=url):
            started = time.monotonic()
            with self.assertLogs("kdrama_rewind.caching.purge", "WARNING") as logged:
                purge_keys(["review:1"])
                purge_keys(["review:2"])  # within five seconds: not tried, not logged again
            self.assertLess(time.monotonic() - started, 1)
        self.assertEqual(len(logged.output), 1)
        self.assertIn(url, logged.output[0])

    def test_an_address_that_never_answers_is_given_up_on_and_then_skipped(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts connections; nothing ever answers
        self.addCleanup(silent.close)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with override_settings(CACHE_PURGE_URL=url):
            started = time.monotonic()
            with self.assertLogs("kdrama_rewind.caching.purge", "WARNING") as logged:
                purge_keys(["review:1"])
            waited = time.monotonic() - started
            self.assertLess(waited, 3, "an editor's save waits a bounded time")
            started = time.monotonic()
            purge_keys(["review:2"])
            self.assertLess(time.monotonic() - started, 0.5, "skipped while it is down")
        self.assertIn("timed out", logged.output[0])
        silent.settimeout(0.1)
        silent.accept()  # the one connection tried
        with self.assertRaises(TimeoutError):
            silent.accept()

    def test_no_address_sends_nothing(self):
        with (
            override_settings(CACHE_PURGE_URL=""),
            self.assertNoLogs("kdrama_rewind.caching.purge"),
        ):
            purge_keys(["review:1"])
            purge_everything()

    def test_a_misconfigured_backend_is_logged_not_raised(self):
        with override_settings(
            CACHE_PURGE_URL="http://127.0.0.1:6081/", CACHE_PURGE_BACKEND="nowhere.Purger"
        ):
            with self.assertLogs("kdrama_rewind.caching.purge", "ERROR") as logged:
                purge_keys(["review:1"])
        self.assertIn("misconfigured", logged.output[0])

    def test_an_address_that_is_not_http_is_refused_in_words(self):
        with self.assertRaisesMessage(ValueError, "is not an http:// or https:// address"):
            VarnishPurger("varnish://127.0.0.1:6081/")
