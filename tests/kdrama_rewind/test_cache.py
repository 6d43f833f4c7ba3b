"""The Redis cache backend production uses, against a real Redis."""

import os
import uuid

import pytest
import redis

from kdrama_rewind.cache import RedisCache

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
