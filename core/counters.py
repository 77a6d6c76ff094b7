"""Fixed-window counters that stay exact when many processes count at once.

Rate limits and the login lockout count here. Each operation is a single atomic step
in the shared store, never a read followed by a write, and an operation may touch
several counters at once (a login reserves its request, email and address counts in
one step, :func:`hit_many`, and settles them in one, :func:`settle`):

- with Redis (the default cache is ``RedisCache``), one Lua script runs ``INCR`` on
  each key and sets the expiry on the first hit of a window, as one step on the server;
- otherwise, one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement on
  ``core.Counter`` (SQLite and PostgreSQL alike), one row per key. Django's
  ``DatabaseCache.incr`` reads then writes, so two workers could both read 4 and both
  write 5.

The window starts at the first hit of a key and does not slide: a key hit at 12:00:10
with a 60-second window counts until 12:01:10, then restarts at 1.

When Redis does not answer, counting moves to the database table for a few seconds
and Redis is tried again: limits keep holding, through the outage, without a 5xx
(see docs/security.md, "When Redis is down").
"""

from __future__ import annotations

import enum
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import caches
from django.db import connections, router, transaction

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


class Settle(enum.Enum):
    """What :func:`settle` does to a counter once the outcome of an attempt is known."""

    #: Give back one hit (never below zero): the attempt was not made, or succeeded.
    RELEASE = "release"
    #: Forget the count: the next hit starts a new window at 1.
    RESET = "reset"


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


class CounterStore:
    """What every store offers: a batch of hits and a batch of settlements, each one step.

    Subclasses implement :meth:`hit_many` and :meth:`settle`; the single-key operations
    are those with one key, so both stores count the same way whichever is called.
    """

    def hit_many(self, windows: Mapping[str, int]) -> dict[str, Hit]:
        """Count one hit on each key (``{key: window in seconds}``) in one atomic step."""
        raise NotImplementedError

    def settle(self, changes: Mapping[str, Settle]) -> None:
        """Release or reset each key (``{key: Settle}``) in one atomic step."""
        raise NotImplementedError

    def hit(self, key: str, *, window: int) -> Hit:
        """Count one hit on ``key`` and return its number in the current window."""
        return self.hit_many({key: window})[key]

    def release(self, key: str) -> None:
        """Give back one hit (never below zero), e.g. when the attempt was not made."""
        self.settle({key: Settle.RELEASE})

    def reset(self, key: str) -> None:
        """Forget the key's count."""
        self.settle({key: Settle.RESET})


# One statement, so concurrent hits queue on the rows instead of racing a read. Every
# right-hand side reads the row as it was before the statement: an expired row restarts
# at 1 with a new window, a live one counts up. Double-quoted names and ON CONFLICT ...
# RETURNING mean the same on SQLite (3.35+) and PostgreSQL. The rows are sorted by key,
# so two statements on PostgreSQL lock shared rows in the same order and cannot deadlock.
_HIT_SQL = """
INSERT INTO "core_counter" ("key", "count", "expires_at") VALUES {rows}
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "core_counter"."expires_at" <= %s THEN 1
                   ELSE "core_counter"."count" + 1 END,
    "expires_at" = CASE WHEN "core_counter"."expires_at" <= %s THEN excluded."expires_at"
                        ELSE "core_counter"."expires_at" END
RETURNING "key", "count", "expires_at"
"""

# Also an upsert, sorted like a hit, for the same lock order. The inserted "count" says
# what to do (0: reset, 1: release one); a missing key is inserted already expired, which
# counts nothing (the next hit restarts it at 1; ``prune`` deletes it). A reset ends the
# window instead of deleting the row: the next hit restarts it, as after a delete.
_SETTLE_SQL = """
INSERT INTO "core_counter" ("key", "count", "expires_at") VALUES {rows}
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN excluded."count" = 0 THEN 0
                   WHEN "core_counter"."count" > 0 THEN "core_counter"."count" - 1
                   ELSE "core_counter"."count" END,
    "expires_at" = CASE WHEN excluded."count" = 0 THEN excluded."expires_at"
                        ELSE "core_counter"."expires_at" END
"""


class DatabaseCounters(CounterStore):
    """Counters in the ``core_counter`` table: one statement per operation."""

    def hit_many(self, windows: Mapping[str, int]) -> dict[str, Hit]:
        keys = sorted(windows)
        connection = connections[router.db_for_write(Counter)]
        now = time.time()
        params: list[str | float] = []
        for key in keys:
            params += [key, now + windows[key]]
        sql = _HIT_SQL.format(rows=", ".join(["(%s, 1, %s)"] * len(keys)))
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, now, now])
            rows = cursor.fetchall()
        return {
            key: Hit(count=count, retry_after=_seconds(expires_at - now))
            for key, count, expires_at in rows
        }

    def settle(self, changes: Mapping[str, Settle]) -> None:
        keys = sorted(changes)
        params: list[str | float] = []
        for key in keys:
            params += [key, 0 if changes[key] is Settle.RESET else 1, 0.0]
        sql = _SETTLE_SQL.format(rows=", ".join(["(%s, %s, %s)"] * len(keys)))
        with connections[router.db_for_write(Counter)].cursor() as cursor:
            cursor.execute(sql, params)


_HIT_SCRIPT = """
local result = {}
for i, key in ipairs(KEYS) do
    local count = redis.call('INCR', key)
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
        redis.call('PEXPIRE', key, ARGV[i])
        ttl = tonumber(ARGV[i])
    end
    result[2 * i - 1] = count
    result[2 * i] = ttl
end
return result
"""

# DECR on a key that has just expired would create it at -1 with no expiry.
_SETTLE_SCRIPT = """
for i, key in ipairs(KEYS) do
    if ARGV[i] == 'reset' then
        redis.call('DEL', key)
    elseif tonumber(redis.call('GET', key) or '0') > 0 then
        redis.call('DECR', key)
    end
end
return 0
"""


class RedisCounters(CounterStore):
    """Counters in the Redis server behind the default cache, with its key prefix.

    They use the cache's own client, and so its connection pool and its timeouts (an
    unreachable server must not hold every login). Each operation is one script call,
    whatever the number of keys (a single server: every key of a script on one node).
    """

    def __init__(self) -> None:
        self.client = redis_client()
        self._hit = self.client.register_script(_HIT_SCRIPT)
        self._settle = self.client.register_script(_SETTLE_SCRIPT)
        #: ``time.monotonic()`` before which this process does not try Redis again.
        self.down_until = 0.0

    def _key(self, key: str) -> str:
        return caches["default"].make_key("counter:" + key)

    def hit_many(self, windows: Mapping[str, int]) -> dict[str, Hit]:
        keys = list(windows)
        reply = self._hit(
            keys=[self._key(key) for key in keys], args=[windows[key] * 1000 for key in keys]
        )
        return {
            key: Hit(count=int(count), retry_after=_seconds(int(ttl_ms) / 1000))
            for key, count, ttl_ms in zip(keys, reply[0::2], reply[1::2], strict=True)
        }

    def settle(self, changes: Mapping[str, Settle]) -> None:
        keys = list(changes)
        self._settle(
            keys=[self._key(key) for key in keys], args=[changes[key].value for key in keys]
        )


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

    Rows a login holds are skipped (PostgreSQL's ``SKIP LOCKED``; SQLite locks the whole
    database instead): the delete never waits for a counter operation, so it cannot
    deadlock with one that locks several rows; a skipped row goes at the next run.
    """
    expired = Counter.objects.filter(expires_at__lt=now or time.time())
    with transaction.atomic(using=router.db_for_write(Counter)):
        free = expired.select_for_update(skip_locked=True).values("key")
        deleted, _by_model = Counter.objects.filter(key__in=free).delete()
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


def _on_store(operation: Callable[[CounterStore], _T]) -> _T:
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


def hit_many(windows: Mapping[str, int]) -> dict[str, Hit]:
    """Count one hit on each key in one atomic step: one statement, or one Redis script.

    Args:
        windows: ``{key: window in seconds}``, each as for :func:`hit`.

    Returns:
        Each key's :class:`Hit`, as :func:`hit` would have returned it.
    """
    if not windows:
        return {}
    return _on_store(lambda store: store.hit_many(windows))


def settle(changes: Mapping[str, Settle]) -> None:
    """Release or reset several keys in one atomic step, once an attempt's outcome is known."""
    if changes:
        _on_store(lambda store: store.settle(changes))


def release(key: str) -> None:
    """Give back one hit on ``key``, for an attempt that was counted but not made."""
    _on_store(lambda store: store.release(key))


def reset(key: str) -> None:
    """Forget the count of ``key`` (e.g. after a successful login)."""
    _on_store(lambda store: store.reset(key))
