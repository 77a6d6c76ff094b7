"""Fixed-window counters that stay exact when many processes count at once.

Rate limits and the login lockout count here. Each operation is a single atomic step
in the shared store, never a read followed by a write:

- with Redis (the default cache is ``RedisCache``), a Lua script runs ``INCR`` and sets
  the expiry on the first hit of a window, as one step on the server;
- otherwise, one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement on
  ``core.Counter`` (SQLite and PostgreSQL alike). Django's ``DatabaseCache.incr`` reads
  then writes, so two workers could both read 4 and both write 5.

The window starts at the first hit of a key and does not slide: a key hit at 12:00:10
with a 60-second window counts until 12:01:10, then restarts at 1.

When Redis does not answer, counting moves to the database table for a few seconds
and Redis is tried again: limits keep holding, through the outage, without a 5xx
(see docs/security.md, "When Redis is down").
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import caches
from django.db import connections, router
from django.db.models import F

from core.cache import CACHE_ERRORS, redis_client, redis_configured
from core.models import Counter

logger = logging.getLogger(__name__)

#: How long a process counts in the database after Redis failed, before trying Redis again.
REDIS_RETRY_INTERVAL = 5.0


@dataclass(frozen=True)
class Hit:
    """The state of a counter right after it was incremented."""

    #: This hit's number in the current window (1 for the first).
    count: int
    #: Whole seconds until the window ends (at least 1): the value for ``Retry-After``.
    retry_after: int


_RATE = re.compile(
    r"^(?P<limit>\d+)/(?P<multiple>\d*)(?P<unit>s|sec|second|m|min|minute|h|hour|d|day)s?$"
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Read a rate such as ``"30/min"``, ``"5/5m"`` or ``"1/3min"``.

    Returns:
        The number of hits allowed and the window in seconds.

    Raises:
        ValueError: For anything else, so a typo in the environment stops the start-up.
    """
    match = _RATE.match(rate.replace(" ", "").lower())
    if match is None:
        raise ValueError(f"{rate!r} is not a rate like '30/min', '5/5m' or '1/3min'.")
    seconds = _UNIT_SECONDS[match["unit"][0]] * int(match["multiple"] or 1)
    return int(match["limit"]), seconds


def _seconds(remaining: float) -> int:
    return max(1, math.ceil(remaining))


# One statement, so concurrent hits queue on the row instead of racing a read. Every
# right-hand side reads the row as it was before the statement: an expired row restarts
# at 1 with a new window, a live one counts up. Double-quoted names and ON CONFLICT ...
# RETURNING mean the same on SQLite (3.35+) and PostgreSQL.
_HIT_SQL = """
INSERT INTO "core_counter" ("key", "count", "expires_at") VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "core_counter"."expires_at" <= %s THEN 1
                   ELSE "core_counter"."count" + 1 END,
    "expires_at" = CASE WHEN "core_counter"."expires_at" <= %s THEN excluded."expires_at"
                        ELSE "core_counter"."expires_at" END
RETURNING "count", "expires_at"
"""


class DatabaseCounters:
    """Counters in the ``core_counter`` table: one statement per operation."""

    def hit(self, key: str, *, window: int) -> Hit:
        """Count one hit on ``key`` and return its number in the current window."""
        connection = connections[router.db_for_write(Counter)]
        now = time.time()
        with connection.cursor() as cursor:
            cursor.execute(_HIT_SQL, [key, now + window, now, now])
            count, expires_at = cursor.fetchone()
        return Hit(count=count, retry_after=_seconds(expires_at - now))

    def release(self, key: str) -> None:
        """Give back one hit (never below zero), e.g. when the attempt was not made."""
        Counter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    def reset(self, key: str) -> None:
        """Forget the key's count."""
        Counter.objects.filter(key=key).delete()


_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

# DECR on a key that has just expired would create it at -1 with no expiry.
_RELEASE_SCRIPT = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
    return redis.call('DECR', KEYS[1])
end
return 0
"""


class RedisCounters:
    """Counters in the Redis server behind the default cache, with its key prefix.

    They use the cache's own client, and so its connection pool and its timeouts (an
    unreachable server must not hold every login).
    """

    def __init__(self) -> None:
        self.client = redis_client()
        self._hit = self.client.register_script(_HIT_SCRIPT)
        self._release = self.client.register_script(_RELEASE_SCRIPT)
        #: ``time.monotonic()`` before which this process does not try Redis again.
        self.down_until = 0.0

    def _key(self, key: str) -> str:
        return caches["default"].make_key("counter:" + key)

    def hit(self, key: str, *, window: int) -> Hit:
        """Count one hit on ``key`` and return its number in the current window."""
        count, ttl_ms = self._hit(keys=[self._key(key)], args=[window * 1000])
        return Hit(count=int(count), retry_after=_seconds(int(ttl_ms) / 1000))

    def release(self, key: str) -> None:
        """Give back one hit (never below zero), e.g. when the attempt was not made."""
        self._release(keys=[self._key(key)])

    def reset(self, key: str) -> None:
        """Forget the key's count."""
        self.client.delete(self._key(key))


database_counters = DatabaseCounters()
_redis_counters: dict[str, RedisCounters] = {}


def redis_counters() -> RedisCounters | None:
    """The Redis counters when the default cache is Redis, else ``None``."""
    if not redis_configured():
        return None
    if "default" not in _redis_counters:
        _redis_counters["default"] = RedisCounters()
    return _redis_counters["default"]


def prune(*, now: float | None = None) -> int:
    """Delete the table's counters whose window has ended; returns how many.

    Rows of keys never hit again (one-off addresses) would pile up otherwise; an
    expired row is restarted in place by its next hit, so pruning changes no count.
    ``manage.py prune_counters`` runs it (daily is plenty).
    """
    deleted, _by_model = Counter.objects.filter(expires_at__lt=now or time.time()).delete()
    return deleted


def _redis_available() -> RedisCounters | None:
    backend = redis_counters()
    if backend is None or time.monotonic() < backend.down_until:
        return None
    return backend


def _redis_failed(backend: RedisCounters, exc: Exception) -> None:
    backend.down_until = time.monotonic() + REDIS_RETRY_INTERVAL
    logger.warning(
        "Redis does not answer (%s); counting in the database for %.0f s",
        exc,
        REDIS_RETRY_INTERVAL,
    )


_T = TypeVar("_T")


def _on_store(operation: Callable[[RedisCounters | DatabaseCounters], _T]) -> _T:
    """Run ``operation`` on Redis when it answers, else on the database table."""
    backend = _redis_available()
    if backend is not None:
        try:
            return operation(backend)
        except CACHE_ERRORS as exc:
            _redis_failed(backend, exc)
    return operation(database_counters)


def hit(key: str, *, window: int) -> Hit:
    """Count one hit on ``key`` in a window of ``window`` seconds, atomically.

    Args:
        key: What is counted, e.g. ``"login_failure:203.0.113.9"``; at most 250 characters.
        window: Length of the window in seconds, counted from the key's first hit.

    Returns:
        This hit's number in the window and the seconds until the window ends. Callers
        compare the number with their limit: because the increment comes first, 20
        simultaneous hits get the numbers 1 to 20, and exactly ``limit`` of them pass.
    """
    return _on_store(lambda store: store.hit(key, window=window))


def release(key: str) -> None:
    """Give back one hit on ``key``, for an attempt that was counted but not made."""
    _on_store(lambda store: store.release(key))


def reset(key: str) -> None:
    """Forget the count of ``key`` (e.g. after a successful login)."""
    _on_store(lambda store: store.reset(key))
