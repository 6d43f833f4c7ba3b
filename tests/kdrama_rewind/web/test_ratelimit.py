import threading
from datetime import UTC, datetime, timedelta
from unittest import skipUnless

from django.conf import settings
from django.db import connection
from django.test import (
    RequestFactory,
    SimpleTestCase,
    TestCase,
    TransactionTestCase,
    override_settings,
)

from kdrama_rewind.models import RateCount
from kdrama_rewind.web.ratelimit import RateLimit, client_address
from tests.clock import clock_at

NO_CACHE = override_settings(
    CACHES={
        **settings.CACHES,
        "counters": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
)


def request(remote="192.0.2.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


class ClientAddressTests(SimpleTestCase):
    def test_remote_addr_is_the_client_and_x_forwarded_for_is_ignored_by_default(self):
        self.assertEqual(client_address(request("192.0.2.1", "198.51.100.7")), "192.0.2.1")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_entry_it_added_is_the_client(self):
        self.assertEqual(client_address(request("10.0.0.1", "198.51.100.7")), "198.51.100.7")
        # Whatever the client put in front is not trusted.
        self.assertEqual(
            client_address(request("10.0.0.1", "203.0.113.9, 198.51.100.7")), "198.51.100.7"
        )

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_behind_two_proxies_the_outer_ones_entry_is_the_client(self):
        forwarded = "203.0.113.9, 198.51.100.7, 10.0.0.5"
        self.assertEqual(client_address(request("10.0.0.1", forwarded)), "198.51.100.7")
        # Too few entries: the header was not written by our proxies.
        self.assertEqual(client_address(request("10.0.0.1", "198.51.100.7")), "10.0.0.1")

    def test_an_ipv6_client_counts_as_its_64_network(self):
        self.assertEqual(client_address(request("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64")
        self.assertEqual(client_address(request("2001:db8:1:2:ffff::1")), "2001:db8:1:2::/64")
        self.assertEqual(client_address(request("::ffff:192.0.2.1")), "192.0.2.1")


class RateLimitTests(SimpleTestCase):
    def setUp(self):
        from django.core.cache import cache

        cache.clear()

    def test_hits_past_the_limit_are_refused_until_the_window_ends(self):
        limit = RateLimit("test", limit=3, window=3600)
        start = datetime(2026, 9, 3, 10, 15, tzinfo=UTC)
        with clock_at(start):
            self.assertEqual([limit.hit("a") for _ in range(4)], [True, True, True, False])
            self.assertTrue(limit.hit("b"))
            self.assertEqual(limit.retry_after(), 45 * 60)
        with clock_at(start + timedelta(minutes=44)):
            self.assertFalse(limit.hit("a"))
        with clock_at(start + timedelta(minutes=45)):
            self.assertTrue(limit.hit("a"))

    def test_scopes_count_separately(self):
        one, other = RateLimit("one", limit=1, window=60), RateLimit("other", limit=1, window=60)
        with clock_at(datetime(2026, 9, 3, 10, 0, 5, tzinfo=UTC)):
            self.assertTrue(one.hit("a"))
            self.assertTrue(other.hit("a"))
            self.assertFalse(one.hit("a"))

    def test_a_hit_given_back_does_not_count(self):
        limit = RateLimit("give-back", limit=2, window=60)
        with clock_at(datetime(2026, 9, 3, 10, 0, 5, tzinfo=UTC)):
            first = limit.take("a")
            self.assertEqual((first.count, first.allowed), (1, True))
            first.give_back()
            first.give_back()  # once only
            self.assertEqual([limit.take("a").count for _ in range(3)], [1, 2, 3])


def race(limit: RateLimit, hits: int) -> list[bool]:
    """``hits`` threads taking a hit at the same moment."""
    start = threading.Barrier(hits)
    allowed = []

    def hit():
        try:
            start.wait()
            allowed.append(limit.take("racing").allowed)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(hits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return allowed


class RacingHitsTests(SimpleTestCase):
    def test_hits_at_the_same_moment_cannot_pass_the_limit(self):
        with clock_at(datetime(2026, 9, 3, 10, 0, 5, tzinfo=UTC)):
            allowed = race(RateLimit("racing-cache", limit=5, window=3600), 40)
        self.assertEqual(len(allowed), 40)
        self.assertEqual(allowed.count(True), 5)


@NO_CACHE
class DatabaseCountingTests(TestCase):
    """Without a cache that keeps counts, limits count in the database."""

    def test_the_database_counts_like_the_cache(self):
        limit = RateLimit("in-the-database", limit=3, window=3600)
        start = datetime(2026, 9, 3, 10, 15, tzinfo=UTC)
        with clock_at(start):
            self.assertEqual([limit.hit("a") for _ in range(4)], [True, True, True, False])
            self.assertTrue(limit.hit("b"))
            hit = limit.take("b")
            hit.give_back()
        self.assertEqual(sorted(RateCount.objects.values_list("count", flat=True)), [1, 4])
        with clock_at(start + timedelta(minutes=45)):
            self.assertTrue(limit.hit("a"))

    def test_ended_windows_are_forgotten(self):
        limit = RateLimit("forgotten", limit=3, window=60)
        start = datetime(2026, 9, 3, 10, 0, 5, tzinfo=UTC)
        with clock_at(start):
            limit.hit("a")
        with clock_at(start + timedelta(minutes=5)):
            limit.hit("a")
        self.assertEqual(RateCount.objects.count(), 1)


@NO_CACHE
@skipUnless(connection.vendor == "postgresql", "real concurrent transactions")
class RacingDatabaseHitsTests(TransactionTestCase):
    serialized_rollback = True  # keep the groups and data migrations made

    def test_hits_at_the_same_moment_cannot_pass_the_limit_in_the_database(self):
        with clock_at(datetime(2026, 9, 3, 10, 0, 5, tzinfo=UTC)):
            allowed = race(RateLimit("racing-database", limit=5, window=3600), 20)
        self.assertEqual(allowed.count(True), 5)
        self.assertEqual(RateCount.objects.get().count, 20)
