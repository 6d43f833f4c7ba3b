"""Entries kept in a process's memory are served only while nothing they
show can have changed, in this process or any other."""

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from kdrama_rewind.caching import dependencies
from kdrama_rewind.caching.dependencies import (
    SEQUENCE_KEY,
    _version_key,
    collecting,
    forget_checked,
    invalidate,
    invalidate_everything,
    lookup,
    store,
)
from kdrama_rewind.caching.memory import one_reading
from tests.clock import clock_at


def keep(key, value, deps=("review:1", "drama:2"), seconds=300):
    started = lookup(key).started
    return store(key, value, deps, started, seconds)


class CountingCache:
    """Counts the cache's ``get_many`` round trips and the names each asked for."""

    def __enter__(self):
        self.calls = []
        original = cache.get_many

        def counted(names, *args, **kwargs):
            self.calls.append(list(names))
            return original(names, *args, **kwargs)

        self._patch = mock.patch.object(cache, "get_many", counted)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


class EmptyCacheTestCase(SimpleTestCase):
    """An empty cache, nothing kept in this process, no scheduled moments
    (nothing cuts an entry's life short)."""

    def setUp(self):
        cache.clear()
        forget_checked()
        self.moments = mock.patch.object(dependencies, "_moments_hook", [])
        self.moments.start()
        self.addCleanup(self.moments.stop)
        self.addCleanup(forget_checked)


@override_settings(CACHE_LOCAL_BYTES=1024 * 1024, CACHE_RECHECK_SECONDS=0)
class CheckedInMemoryTests(EmptyCacheTestCase):
    def test_while_nothing_changed_a_hit_costs_one_round_trip_for_two_numbers(self):
        keep("page", "<p>Run On</p>")
        with CountingCache() as counted:
            found = lookup("page")
        self.assertTrue(found.hit)
        self.assertEqual(found.value, "<p>Run On</p>")
        self.assertEqual(counted.calls, [[SEQUENCE_KEY, dependencies.EPOCH_KEY]])

    def test_a_hit_from_memory_records_what_the_entry_shows(self):
        keep("page", "html", deps=("review:1", "list:front"))
        with collecting() as collected:
            self.assertTrue(lookup("page").hit)
        self.assertEqual(collected.keys, {"review:1", "list:front"})

    def test_each_hit_gets_its_own_copy(self):
        keep("page", (200, [("Content-Type", "text/html")], b"body"))
        lookup("page").value[1].append(("X-Mine", "1"))
        self.assertEqual(lookup("page").value[1], [("Content-Type", "text/html")])

    def test_a_change_to_what_it_shows_is_seen_at_once(self):
        keep("page", "old")
        invalidate(["drama:2"])  # as any process would, after its commit
        self.assertFalse(lookup("page").hit)

    def test_a_change_elsewhere_costs_one_check_of_its_keys_then_none(self):
        keep("page", "html")
        invalidate(["drama:99"])
        with CountingCache() as counted:
            self.assertTrue(lookup("page").hit)
        self.assertEqual(len(counted.calls), 2, "the sequence, then the entry's two keys")
        self.assertCountEqual(counted.calls[1], [_version_key("review:1"), _version_key("drama:2")])
        with CountingCache() as counted:
            self.assertTrue(lookup("page").hit)
        self.assertEqual(len(counted.calls), 1)

    def test_a_check_made_while_a_change_is_being_recorded_is_made_again(self):
        """``invalidate`` moves the sequence, then writes the versions: a
        process that checks in between sees the new number with the old
        versions, and must not go on trusting them."""
        keep("page", "old")
        forget_checked()  # this process has not checked it yet
        write_versions = cache.set_many
        seen_in_between = []

        def another_process_checks_first(data, *args, **kwargs):
            seen_in_between.append(lookup("page").hit)
            return write_versions(data, *args, **kwargs)

        with mock.patch.object(cache, "set_many", another_process_checks_first):
            invalidate(["drama:2"])
        self.assertEqual(seen_in_between, [True], "the versions were not written yet")
        self.assertFalse(lookup("page").hit)

    def test_dropping_everything_drops_what_processes_kept(self):
        keep("page", "html")
        invalidate_everything()
        self.assertFalse(lookup("page").hit)

    def test_a_cleared_cache_never_matches_an_old_number(self):
        keep("page", "html")
        cache.clear()  # or Redis restarted empty
        keep("other", "html")  # the sequence starts again
        self.assertFalse(lookup("page").hit)

    def test_an_entry_is_not_served_past_its_lifetime(self):
        keep("page", "html", seconds=60)
        with clock_at(timezone.now() + timedelta(seconds=61)):
            self.assertFalse(lookup("page").hit)

    def test_nothing_is_served_from_memory_while_the_cache_cannot_be_reached(self):
        keep("page", "html")
        with mock.patch.object(cache, "get_many", return_value={}):
            self.assertFalse(lookup("page").hit)

    def test_within_one_request_the_sequence_is_read_once(self):
        keep("page", "html")
        keep("fragment", "part")
        with one_reading(), CountingCache() as counted:
            self.assertTrue(lookup("page").hit)
            self.assertTrue(lookup("fragment").hit)
        self.assertEqual(counted.calls, [[SEQUENCE_KEY, dependencies.EPOCH_KEY]])


@override_settings(CACHE_LOCAL_BYTES=1024 * 1024, CACHE_RECHECK_SECONDS=0.5)
class RecheckIntervalTests(EmptyCacheTestCase):
    """Between two readings of the shared numbers a process trusts the last:
    another process's change reaches it that much later at most, its own
    change at once."""

    def another_process_changes(self, key):
        moved = cache.incr(SEQUENCE_KEY)
        cache.set(_version_key(key), moved, None)
        cache.incr(SEQUENCE_KEY)

    def test_hits_between_readings_cost_no_round_trip(self):
        keep("page", "html")
        self.assertTrue(lookup("page").hit)
        with CountingCache() as counted:
            for _ in range(5):
                self.assertTrue(lookup("page").hit)
        self.assertEqual(counted.calls, [])

    def test_another_process_s_change_is_seen_once_the_interval_is_over(self):
        keep("page", "old")
        self.assertTrue(lookup("page").hit)
        self.another_process_changes("drama:2")
        self.assertTrue(lookup("page").hit, "within the interval: not read again yet")
        later = dependencies._numbers.at + 0.5
        with mock.patch("kdrama_rewind.caching.memory.time.monotonic", return_value=later):
            self.assertFalse(lookup("page").hit)

    def test_a_change_made_here_is_seen_at_once(self):
        keep("page", "old")
        self.assertTrue(lookup("page").hit)
        invalidate(["drama:2"])
        self.assertFalse(lookup("page").hit)
