"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's client builds a new ``redis.Redis`` object around its pool for every cache
operation; that constructor was the largest single cost of an authenticated read
served from Redis. A ``redis.Redis`` over a pool is safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    # Django's own attributes, which the type stubs leave out.
    _pools: dict[int, Any]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _servers: list[str]
    _client: Any
    _get_connection_pool_index: Callable[[bool], int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                # As Django's ``_get_connection_pool``, for the index chosen above.
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
