"""The read of a session joined to its user, compiled once per database connection.

Django builds and compiles a queryset's SQL each time it runs it; for the joined read
behind every signed-in request that cost about a fifth of ``GET /auth/me/`` on SQLite
(in-process profile). Here the SQL, and the converters that turn its columns into Python
values, are made once per connection (each thread keeps its own, ``CONN_MAX_AGE``) from
that same queryset, then run with each request's two values: the statement Django would
send, read back as Django would read it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from accounts.models import UserSession

# Stand-ins for the two values, found again in the compiled parameters.
_KEY_HASH = "\x00key-hash"
_NOW = datetime(2000, 1, 1, 0, 0, 0, 123457, tzinfo=UTC)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    key_hash_at: int
    now_at: int
    compiler: Any
    converters: dict[int, Any]


_plans: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Plan] = weakref.WeakKeyDictionary()


def _expiry_value(now: datetime, connection: BaseDatabaseWrapper) -> Any:
    field = UserSession._meta.get_field("expire_date")
    return field.get_db_prep_value(now, connection, prepared=False)


def _plan(queryset: QuerySet[Any, Any], connection: BaseDatabaseWrapper) -> _Plan:
    plan = _plans.get(connection)
    if plan is None:
        query = queryset.filter(key_hash=_KEY_HASH, expire_date__gt=_NOW)[:1].query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            key_hash_at=list(params).index(_KEY_HASH),
            now_at=list(params).index(_expiry_value(_NOW, connection)),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )
        _plans[connection] = plan
    return plan


def read_session_row(
    queryset: QuerySet[Any, Any], key_hash: str, now: datetime
) -> tuple[str, tuple[Any, ...]] | None:
    """The first row of ``queryset`` for this key hash, unexpired at ``now``, and its alias.

    ``queryset`` is the (never evaluated) ``values_list`` of the session and its user.
    """
    alias = queryset.db
    connection = connections[alias]
    plan = _plan(queryset, connection)
    params = list(plan.params)
    params[plan.key_hash_at] = key_hash
    params[plan.now_at] = _expiry_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if plan.converters:
        row = next(plan.compiler.apply_converters([row], plan.converters))
    return alias, tuple(row)
