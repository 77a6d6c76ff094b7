"""The shared cache server, when one is configured: its client and the errors it raises.

The cache is django-redis (``CACHES`` in settings), which keeps one Redis client per
server for the life of the process; the counters use that same client
(``get_redis_connection``), so a process holds one connection pool.
"""

from __future__ import annotations

from django.conf import settings
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted
from redis import Redis
from redis.exceptions import RedisError

#: What a call to the cache server raises when the server is unreachable, too slow or
#: refusing writes (``maxmemory``): callers fall back, or refuse with 503.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, ConnectionInterrupted)


def redis_configured() -> bool:
    """Whether the default cache is a Redis server (``REDIS_URL``)."""
    return bool(settings.REDIS_URL)


def redis_client() -> Redis:
    """The raw Redis client of the default cache, for atomic scripts (counters)."""
    client: Redis = get_redis_connection("default")
    return client
