"""The Redis cache keeps one client per server, and the counters share it."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import counters
from core.cache import redis_client

REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        # A real client object; no command is sent, so no server is needed.
        "LOCATION": "redis://127.0.0.1:6379/15",
    }
}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS, REDIS_URL=REDIS["default"]["LOCATION"]):
        yield caches["default"]
    counters._redis_counters.clear()


def test_every_operation_uses_the_same_client(redis_cache) -> None:
    first = redis_cache.client.get_client(write=False)
    second = redis_cache.client.get_client(write=True)

    assert first is second
    assert redis_client() is first


def test_the_counters_count_on_the_cache_client(redis_cache) -> None:
    store = counters.redis_counters()

    assert store is not None
    assert store.client is redis_cache.client.get_client()
