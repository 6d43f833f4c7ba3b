"""The Redis cache backend production uses, against a real Redis, and the
site while that Redis is down."""

import os
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from kdrama_rewind.caching.backend import RedisCache, _breakers
from kdrama_rewind.environment import cache_from_url, counters_from_url
from kdrama_rewind.web.ratelimit import use_the_cache_again
from reviews.services import ReviewEdit, edit_review, revisions
from tests.clock import clock_at
from tests.factories import make_user
from tests.redis_server import RedisServer
from tests.sample_site import PublicSiteTestCase

REDIS_URL = os.environ.get("KDR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        cache.get("ping")
    except redis.ConnectionError:
        if os.environ.get("KDR_REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    keys = ["page", "count", "a", "b", "gone"]
    yield cache
    cache.delete_many(keys)


def test_values_round_trip(redis_cache):
    redis_cache.set("page", (200, [("Content-Type", "text/html")], b"<p>Hi</p>"), 30)
    assert redis_cache.get("page") == (200, [("Content-Type", "text/html")], b"<p>Hi</p>")
    assert redis_cache.add("page", "other", 30) is False
    redis_cache.set_many({"a": 1, "b": "two"}, 30)
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": "two"}


def test_counters_are_atomic_and_missing_ones_say_so(redis_cache):
    redis_cache.set("count", 41, None)
    assert redis_cache.incr("count") == 42
    with pytest.raises(ValueError):
        redis_cache.incr("gone")


def test_a_zero_lifetime_keeps_nothing(redis_cache):
    redis_cache.set("gone", "soon", 30)
    redis_cache.set("gone", "now", 0)
    assert redis_cache.get("gone") is None


def test_one_client_serves_every_operation(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("a", 1, 30)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client


@override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300, CACHE_RETRY_SECONDS=0)
class RedisOutageTests(PublicSiteTestCase):
    """The site against a redis-server of the test's own, killed, frozen and
    brought back by PID: an outage costs speed, never a page."""

    def setUp(self):
        self.redis = RedisServer()
        self.addCleanup(self.redis.kill)
        # Sign-ins made during the outage move rate limits to the database.
        self.addCleanup(use_the_cache_again)
        caches_ = override_settings(
            CACHES={
                **settings.CACHES,
                "default": cache_from_url(self.redis.url),
                "counters": counters_from_url(self.redis.url),
            }
        )
        caches_.enable()
        self.addCleanup(caches_.disable)
        self.pages = [url for name, url in self.urls().items() if name != "newsletter"]

    def get(self, url):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.get(url)

    def assert_cached(self, url):
        self.get(url)
        with self.assertNumQueries(0):
            self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

    def test_pages_and_the_admin_work_while_redis_is_down_and_caching_resumes(self):
        self.assert_cached("/")
        self.redis.kill()
        with self.assertLogs("kdrama_rewind.caching.backend", "ERROR") as logs:
            for url in self.pages * 2:
                with self.subTest(url=url):
                    response = self.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response["X-Page-Cache"], "miss")
            editor = make_user("mina", staff=True, superuser=True)
            self.assertEqual(self.client.get("/admin/login/").status_code, 200)
            response = self.client.post(
                "/admin/login/?next=/admin/",
                {"username": editor.username, "password": "correct horse battery staple"},
            )
            self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
            self.assertEqual(self.client.get("/admin/").status_code, 200)
            self.assertEqual(self.client.get("/admin/reviews/review/").status_code, 200)
        self.assertEqual(len(logs.records), 1, "logged once a minute, not per request")
        self.client.logout()
        self.redis.start()  # empty, on the same port
        self.assert_cached("/")
        self.assert_cached(self.review.get_absolute_url())

    def test_a_frozen_redis_costs_one_request_one_short_wait(self):
        self.get("/")
        self.redis.stop()
        self.addCleanup(self.redis.resume)
        with (
            override_settings(CACHE_RETRY_SECONDS=60),
            self.assertLogs("kdrama_rewind.caching.backend"),
        ):
            started = time.monotonic()
            self.assertEqual(self.get("/").status_code, 200)
            first = time.monotonic() - started
            breaker = _breakers[cache_from_url(self.redis.url)["LOCATION"]]
            gave_up_until = breaker.retry_at
            for url in self.pages:
                self.assertEqual(self.get(url).status_code, 200)
        self.assertLess(first, 1.0, "one short timeout")
        # Every later attempt would have timed out and moved this on.
        self.assertEqual(breaker.retry_at, gave_up_until, "later requests did not try Redis")

    def test_a_change_made_while_redis_was_unreachable_shows_once_it_returns(self):
        url = self.im.get_absolute_url()
        self.assert_cached(url)
        self.redis.stop()  # frozen: the kept page is still in it when it returns

        def rename():
            self.im.name = "Im Si-wan (renamed)"
            self.im.save()

        with self.assertLogs("kdrama_rewind"), self.captureOnCommitCallbacks(execute=True):
            rename()  # its keys cannot be moved in Redis
        self.assertContains(self.get(url), "Im Si-wan (renamed)")  # still down
        self.redis.resume()
        self.assertContains(self.get(url), "Im Si-wan (renamed)")
        self.assert_cached(url)

    def test_nothing_made_while_redis_was_down_is_kept_after_it_returns(self):
        url = self.review.get_absolute_url()
        self.redis.kill()
        self.assertEqual(self.get(url).status_code, 200)
        self.redis.start()
        # The page made meanwhile began without Redis: it could predate a
        # change Redis never heard of, so it was not kept.
        self.assertEqual(self.get(url)["X-Page-Cache"], "miss")
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

    def test_an_update_scheduled_while_redis_was_unreachable_is_applied_on_time(self):
        url = self.review.get_absolute_url()
        self.get(url)  # "no update is due" is now kept in Redis for a minute
        self.redis.stop()
        self.addCleanup(self.redis.resume)
        at = timezone.now() + timedelta(seconds=30)
        editor = make_user("mina", staff=True, superuser=True)
        with self.assertLogs("kdrama_rewind"), self.captureOnCommitCallbacks(execute=True):
            edit = ReviewEdit(fields={"standfirst": "Rewatched for the finale."})
            edit_review(review=self.review, edit=edit, by=editor, via="test", apply_at=at)
        self.redis.resume()
        revisions._remembered = None  # a process that had not asked lately
        with clock_at(at + timedelta(seconds=1)):
            self.assertContains(self.get(url), "Rewatched for the finale.")
