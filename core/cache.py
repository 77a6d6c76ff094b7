"""The shared cache server, when one is configured: its client and the errors it raises.

The cache is django-redis (``CACHES`` in settings), which keeps one Redis client per
server for the life of the process; the counters use that same client
(``get_redis_connection``), so a process holds one connection pool.

The Redis client package (with its asyncio, TLS and cryptography imports, several MiB
per worker) is loaded only by a process whose cache may be Redis: ``REDIS_URL`` is set,
or ``CACHE_MAY_BE_REDIS`` (the tests, which switch the cache to Redis at run time). Any
other process has no Redis client, so nothing in it can raise a Redis error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from redis import Redis


def _redis_errors() -> tuple[type[Exception], ...]:
    if not (settings.REDIS_URL or getattr(settings, "CACHE_MAY_BE_REDIS", False)):
        return ()
    from django_redis.exceptions import ConnectionInterrupted
    from redis.exceptions import RedisError

    return (RedisError, ConnectionInterrupted)


#: What a call to the cache server raises when the server is unreachable, too slow or
#: refusing writes (``maxmemory``): callers fall back, or refuse with 503. Empty when no
#: cache of this process can be Redis.
CACHE_ERRORS: tuple[type[Exception], ...] = _redis_errors()


def redis_configured() -> bool:
    """Whether the default cache is a Redis server (``REDIS_URL``)."""
    return bool(settings.REDIS_URL)


def redis_client() -> Redis:
    """The raw Redis client of the default cache, for atomic scripts (counters)."""
    from django_redis import get_redis_connection

    client: Redis = get_redis_connection("default")
    return client
