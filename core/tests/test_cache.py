"""The Redis cache backend shares one client per connection pool."""

from __future__ import annotations

from typing import cast

import pytest

from core.cache import RedisCache, RedisCacheClient


def client_of(cache: RedisCache) -> RedisCacheClient:
    return cast(RedisCacheClient, cache._cache)


@pytest.fixture
def redis_cache() -> RedisCache:
    # A real client object; no command is sent, so no server is needed.
    return RedisCache("redis://127.0.0.1:6379/15", {})


def test_every_operation_uses_the_same_client(redis_cache: RedisCache) -> None:
    first = client_of(redis_cache).get_client("a")
    second = client_of(redis_cache).get_client("b", write=True)

    assert first is second
    assert first.connection_pool is client_of(redis_cache)._pools[0]


def test_a_replica_has_its_own_client() -> None:
    cache = RedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6380/15", {})

    writer = client_of(cache).get_client("a", write=True)
    reader = client_of(cache).get_client("a")

    assert writer is not reader
    assert reader.connection_pool.connection_kwargs["port"] == 6380
