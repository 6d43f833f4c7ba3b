"""What a process keeps of the cache in its own memory is bounded, and
every hit gets its own copy."""

from django.test import SimpleTestCase, override_settings

from kdrama_rewind.caching.memory import CheckedEntries


def put(entries, key, value):
    entries.put(key, sequence=1, epoch=1, versions={"review:1": 1}, value=value, expires_at=0)


class CheckedEntriesTests(SimpleTestCase):
    @override_settings(CACHE_LOCAL_BYTES=64 * 1024)
    def test_memory_is_bounded_least_recently_used_first(self):
        entries = CheckedEntries()
        for n in range(20):  # 80 KB in all
            put(entries, f"page-{n}", "x" * 4000)
            entries.get("page-0")  # read all along: kept
        self.assertLessEqual(entries.size, 64 * 1024)
        self.assertIsNotNone(entries.get("page-0"))
        self.assertIsNone(entries.get("page-1"), "the least recently used went first")
        self.assertIsNotNone(entries.get("page-19"))

    @override_settings(CACHE_LOCAL_BYTES=64 * 1024)
    def test_an_entry_too_big_for_its_share_is_not_kept(self):
        entries = CheckedEntries()
        put(entries, "huge", "x" * 20_000)
        self.assertIsNone(entries.get("huge"))

    @override_settings(CACHE_LOCAL_BYTES=0)
    def test_it_can_be_turned_off(self):
        entries = CheckedEntries()
        put(entries, "page", "html")
        self.assertIsNone(entries.get("page"))

    @override_settings(CACHE_LOCAL_BYTES=64 * 1024)
    def test_each_hit_gets_its_own_copy(self):
        entries = CheckedEntries()
        put(entries, "page", (200, [("Content-Type", "text/html")], b"body"))
        entries.get("page").value()[1].append(("X-Mine", "1"))
        self.assertEqual(entries.get("page").value()[1], [("Content-Type", "text/html")])
