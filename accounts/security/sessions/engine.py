"""The session engine (``SESSION_ENGINE``): Django's session API over the ``UserSession`` registry.

Compared with Django's database engine it

- stores only a hash of each session key (:mod:`.keys`);
- records who, from where and since when, for ``GET /auth/sessions/``;
- enforces an absolute and an idle lifetime on the server;
- writes a new session once (Django's inserts at ``cycle_key`` and updates at the end
  of the request), and writes ``last_seen`` at most once per touch interval;
- reads the row joined to its user, so an authenticated read is one query; with the
  shared cache (``accounts.security.cache``) it reads session and user in one round
  trip and no query at all.

Ending sessions is :mod:`.revocation`'s; every delete of a row, whoever makes it, is
seen by ``accounts.security.cache`` first.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.db import connections, router
from django.utils import timezone

from accounts.app_settings import app_settings
from accounts.models import User, UserSession
from accounts.security import cache
from accounts.security.cache import SessionRecord, UserState
from accounts.security.sessions import keys

_RECORD_FIELDS = ("id", "user_id", "session_data", "created", "last_seen", "expire_date")
_EXPIRE_DATE = UserSession._meta.get_field("expire_date")

#: The user this request's session read brought along: ``(user, from_cache, state)``.
_session_user: ContextVar[tuple[User | None, bool, UserState | None]] = ContextVar(
    "session_user", default=(None, False, None)
)


def hand_over_user(
    user: User | None, *, from_cache: bool = False, state: UserState | None = None
) -> None:
    """Hand the user read with this request's session to the backend (taken once)."""
    _session_user.set((user, from_cache, state))


def take_session_user(user_id: Any) -> tuple[User | None, bool, UserState | None]:
    """Take the user that this request's session read brought, if it is ``user_id``.

    The authentication backend calls it instead of querying again. It is taken once:
    what the backend gets always comes from the current request's own session read.

    Returns:
        The user (or ``None``), whether it came from the cache, and the cache state to
        remember a user read from the table under.
    """
    user, from_cache, state = _session_user.get()
    hand_over_user(None)
    if user is not None and str(user.pk) == str(user_id):
        return user, from_cache, state
    return None, False, state


def _user_fields() -> list[str]:
    return [field.attname for field in User._meta.concrete_fields]


@dataclass(frozen=True)
class _CompiledRead:
    """The joined session-and-user read, compiled to SQL once per database.

    Compiling the query (resolving the joined columns, building the SQL) cost more
    than running it, on every authenticated request; the statement never changes, only
    its two parameters (the key's hash, the time), so it is compiled once and each read
    runs it with its own values through the ORM's own value converters.
    """

    sql: str
    params: tuple[Any, ...]
    key_position: int
    time_position: int
    converters: tuple[tuple[int, tuple[list[Any], Any]], ...]

    def fetch(self, alias: str, key_hash: str, now: datetime) -> list[Any] | None:
        connection = connections[alias]
        params = list(self.params)
        params[self.key_position] = key_hash
        params[self.time_position] = _EXPIRE_DATE.get_db_prep_value(now, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for position, (functions, expression) in self.converters:
            for convert in functions:
                values[position] = convert(values[position], expression, connection)
        return values


@functools.cache
def _compiled_read(alias: str) -> _CompiledRead:
    # Two marker values stand where each read's key hash and time go; their positions
    # in the compiled parameters say where to put the real ones. A slice, not
    # ``first()``: the key is unique, so an ORDER BY would be wasted work.
    marker_key = "marker: the key hash"
    marker_time = datetime(1, 1, 2, tzinfo=UTC)
    query = (
        UserSession.objects.using(alias)
        .values_list(*_RECORD_FIELDS, *(f"user__{name}" for name in _user_fields()))
        .filter(key_hash=marker_key, expire_date__gt=marker_time)[:1]
    )
    compiler = query.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    marker_time_value = _EXPIRE_DATE.get_db_prep_value(marker_time, connections[alias])
    converters = compiler.get_converters([column for column, *_ in compiler.select])
    return _CompiledRead(
        sql=sql,
        params=tuple(params),
        key_position=list(params).index(marker_key),
        time_position=list(params).index(marker_time_value),
        converters=tuple(converters.items()),
    )


def _expiry(created: datetime, last_seen: datetime) -> datetime:
    return min(
        created + app_settings.SESSION_ABSOLUTE_LIFETIME,
        last_seen + app_settings.SESSION_IDLE_TIMEOUT,
    )


class SessionStore(SessionBase):
    """Django session store backed by ``accounts.UserSession``."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.client_ip: str | None = None
        self.user_agent = ""
        #: The row behind this session, once loaded or written.
        self.record: SessionRecord | None = None
        self._needs_insert = False

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def _validate_session_key(self, key: str | None) -> bool:
        # A cookie the service never issued (planted from a sibling subdomain, say) is
        # no session at all: never looked up, never an error.
        return keys.is_issued_shape(key)

    # -- reading -----------------------------------------------------------------------

    def _read(self, session_key: str) -> SessionRecord | None:
        key_hash = keys.hash_key(session_key)
        cached = cache.read_session(key_hash, keys.user_hint(session_key))
        state = cached.user_state if cached is not None else None
        if cached is not None:
            if cached.revoked:
                return None
            if cached.record is not None:
                hand_over_user(cached.user, from_cache=cached.user is not None, state=state)
                return cached.record
        # The user comes in the same query (the backend takes it with ``take_session_user``).
        alias = router.db_for_read(UserSession)
        values = _compiled_read(alias).fetch(alias, key_hash, timezone.now())
        if values is None:
            return None
        record = SessionRecord(*values[: len(_RECORD_FIELDS)])
        user = None
        if record.user_id is not None:
            user = User.from_db(alias, _user_fields(), values[len(_RECORD_FIELDS) :])
        hand_over_user(user, state=state)
        cache.remember_session(key_hash, record)
        return record

    def load(self) -> dict[str, Any]:
        hand_over_user(None)
        session_key = self.session_key
        record = self._read(session_key) if session_key else None
        now = timezone.now()
        if (
            not session_key
            or record is None
            or record.expire_date <= now
            or (
                now - record.last_seen >= app_settings.SESSION_TOUCH_INTERVAL
                and not self._touch(session_key, record, now)
            )
        ):
            self._session_key = None
            hand_over_user(None)
            return {}
        self.record = record
        return self.decode(record.data)

    def _touch(self, session_key: str, record: SessionRecord, now: datetime) -> bool:
        """Write ``last_seen``; ``False`` if the row is gone (the session was ended)."""
        record.last_seen = now
        record.expire_date = _expiry(record.created, now)
        updated = UserSession.objects.filter(pk=record.id).update(
            last_seen=record.last_seen, expire_date=record.expire_date
        )
        if not updated:
            return False
        cache.remember_session(keys.hash_key(session_key), record)
        return True

    def exists(self, session_key: str) -> bool:
        return UserSession.objects.filter(key_hash=keys.hash_key(session_key)).exists()

    # -- writing -----------------------------------------------------------------------

    def create(self) -> None:
        """Choose a new key; the row is written once, when the request's session is saved.

        The key has 165 random bits, so a collision is not checked for with a query.
        """
        self._session_key = keys.new_key()
        self._needs_insert = True
        self.modified = True

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            self.create()
        # Django's own private reader (``_session`` without the load); the stubs omit it.
        session = self._get_session(no_load=must_create or self._needs_insert)  # type: ignore[attr-defined]
        user_id = session.get(SESSION_KEY)
        user_id = int(user_id) if user_id is not None else None
        if self._needs_insert and user_id is not None:
            # The key is final only now that the user is known: it names the user.
            self._session_key = keys.with_user(cast("str", self._session_key), user_id)
        session_key = cast("str", self.session_key)  # ``create`` has just set it if unset
        data = self.encode(session)
        now = timezone.now()
        key_hash = keys.hash_key(session_key)
        if must_create or self._needs_insert:
            row = UserSession.objects.create(
                key_hash=key_hash,
                user_id=user_id,
                session_data=data,
                created=now,
                last_seen=now,
                expire_date=_expiry(now, now),
                ip=self.client_ip or None,
                user_agent=self.user_agent,
            )
            self._needs_insert = False
            self.record = SessionRecord(row.pk, user_id, data, now, now, row.expire_date)
        else:
            created = self.record.created if self.record else now
            expire_date = _expiry(created, now)
            updated = UserSession.objects.filter(key_hash=key_hash, expire_date__gt=now).update(
                user_id=user_id, session_data=data, last_seen=now, expire_date=expire_date
            )
            if not updated:
                raise UpdateError
            record_id = self.record.id if self.record else 0
            self.record = SessionRecord(record_id, user_id, data, created, now, expire_date)
        cache.remember_session(key_hash, self.record)

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is None:
            return
        # The row's delete is seen by ``accounts.security.cache``: every server stops
        # honouring the key, or the delete is refused with 503.
        UserSession.objects.filter(key_hash=keys.hash_key(session_key)).delete()
        if session_key == self.session_key:
            self.record = None

    # Ending a session deletes its row before anything else changes: when the delete is
    # refused (503, the shared cache cannot record it), the session stays as it was,
    # rather than half-ended (Django's own order empties the session first).

    def cycle_key(self) -> None:
        key, data = self.session_key, self._session  # type: ignore[attr-defined]  # Django's
        if key:
            self.delete(key)
        self.create()
        self._session_cache = data

    def flush(self) -> None:
        self.delete()
        self.clear()
        self._session_key = None

    @classmethod
    def clear_expired(cls) -> None:
        """Delete expired rows (``manage.py clearsessions``); they authenticate nobody already."""
        expired = UserSession.objects.filter(expire_date__lte=timezone.now())
        while hashes := list(expired.values_list("key_hash", flat=True)[:1000]):
            with cache.sessions_forgotten(hashes):
                UserSession.objects.filter(key_hash__in=hashes).delete()
