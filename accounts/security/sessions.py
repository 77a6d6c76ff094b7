"""The session engine: Django's session API over the ``UserSession`` registry.

Compared with Django's database engine it

- stores only a hash of each session key;
- records who, from where and since when, for ``GET /auth/sessions/``;
- enforces an absolute and an idle lifetime on the server;
- writes a new session once (Django's inserts at ``cycle_key`` and updates at the end
  of the request), and writes ``last_seen`` at most once per touch interval;
- reads through the shared cache when one is configured, so an authenticated read
  costs no database query for the session; revocation deletes the cache entry too,
  so it takes effect on every worker at the next request.

A request that read the row just before a revocation committed could put it back in
the cache. So revocation also leaves a short-lived mark that every cached read checks
(one ``MGET`` with the record), cached records live no longer than the mark, and the
entry is dropped once more after the revoking transaction commits.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import get_random_string
from redis.exceptions import RedisError

from accounts.app_settings import app_settings
from accounts.security.user_cache import cached_user_key, offer_user

if TYPE_CHECKING:
    from accounts.models import User, UserSession

logger = logging.getLogger(__name__)

_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
#: Between a signed-in session's random part and its user's id (``<random>-<user id>``).
_USER_HINT_SEPARATOR = "-"
_CACHE_PREFIX = "session:"
_REVOKED_PREFIX = "session-revoked:"
#: Longest a cached record lives; a revocation mark lives twice as long, so it outlives
#: any copy that a request racing the revocation could have cached.
_CACHE_TTL = 300
_REVOKED_TTL = 2 * _CACHE_TTL


def _user_hint(session_key: str) -> int | None:
    """The user id at the end of a signed-in session's key, if it has one."""
    _random, separator, hint = session_key.rpartition(_USER_HINT_SEPARATOR)
    return int(hint) if separator and hint.isdigit() and len(hint) < 19 else None


def hash_session_key(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


@dataclass
class SessionRecord:
    """What a request needs to know about its session row (also what the cache holds)."""

    id: int
    user_id: int | None
    data: str
    created: datetime
    last_seen: datetime
    expire_date: datetime


_RECORD_FIELDS = ("id", "user_id", "session_data", "created", "last_seen", "expire_date")


def _user_fields() -> list[str]:
    from accounts.models import User

    return [field.attname for field in User._meta.concrete_fields]


@functools.cache
def _session_with_user() -> QuerySet[UserSession, tuple[Any, ...]]:
    """Return the query of a session's columns and its user's, joined.

    Built once: resolving the joined columns costs more than running the query. Each
    read filters a copy; this one is never evaluated.
    """
    from accounts.models import UserSession

    return UserSession.objects.values_list(
        *_RECORD_FIELDS, *(f"user__{name}" for name in _user_fields())
    )


def _session_cache() -> BaseCache | None:
    alias = app_settings.SESSION_CACHE
    return caches[alias] if alias else None


def _cache_record(key_hash: str, record: SessionRecord) -> None:
    cache = _session_cache()
    if cache is not None:
        timeout = min((record.expire_date - timezone.now()).total_seconds(), _CACHE_TTL)
        if timeout > 0:
            try:
                cache.set(_CACHE_PREFIX + key_hash, record, timeout=int(timeout) + 1)
            except RedisError:
                # The table is the truth; the cache only saves a query.
                logger.warning("session cache unavailable: not caching a session")


def forget_cached_sessions(key_hashes: list[str]) -> None:
    """Drop cached copies so that deleted rows stop authenticating everywhere at once."""
    cache = _session_cache()
    if cache is not None and key_hashes:
        try:
            cache.set_many(
                {_REVOKED_PREFIX + key_hash: True for key_hash in key_hashes},
                timeout=_REVOKED_TTL,
            )
            cached = [_CACHE_PREFIX + key_hash for key_hash in key_hashes]
            cache.delete_many(cached)
            transaction.on_commit(lambda: _delete_quietly(cache, cached))
        except RedisError:
            # Nobody can read the entry while Redis is unreachable, and the row is gone;
            # a Redis that comes back with its data keeps it (docs/security.md).
            logger.error(
                "session cache unavailable: %d ended session(s) stay cached", len(key_hashes)
            )


def uncache_session(key_hash: str) -> None:
    """Drop the cached copy of a session whose row changed, so the next read sees the row."""
    cache = _session_cache()
    if cache is not None:
        _delete_quietly(cache, [_CACHE_PREFIX + key_hash])


def _delete_quietly(cache: BaseCache, keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except RedisError:
        logger.error("session cache unavailable after a revocation committed")


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
        #: The user read with the row from the database.
        self.loaded_user: User | None = None
        #: The user read with the cached record, from the shared cache.
        self.cached_user: User | None = None
        self._needs_insert = False

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        from accounts.models import UserSession

        return UserSession

    @property
    def model(self) -> type[UserSession]:
        return self.get_model_class()

    # -- reading -----------------------------------------------------------------------

    def _read(self, session_key: str) -> SessionRecord | None:
        key_hash = hash_session_key(session_key)
        cache = _session_cache()
        if cache is not None:
            record_key, revoked_key = _CACHE_PREFIX + key_hash, _REVOKED_PREFIX + key_hash
            hinted_user_id = _user_hint(session_key)
            keys = [record_key, revoked_key]
            if hinted_user_id is not None:
                keys.append(cached_user_key(hinted_user_id))
            try:
                found = cache.get_many(keys)
            except RedisError:
                logger.warning("session cache unavailable: reading the session table")
                found = {}
            if revoked_key in found:
                return None
            if record_key in found:
                cached: SessionRecord = found[record_key]
                if hinted_user_id is not None and cached.user_id == hinted_user_id:
                    self.cached_user = found.get(cached_user_key(hinted_user_id))
                return cached
        # The user comes in the same query (the backend takes it from ``offer_user``).
        # A slice, not ``first()``: the key is unique, so an ORDER BY would be wasted work.
        user_fields = _user_fields()
        rows = _session_with_user().filter(key_hash=key_hash, expire_date__gt=timezone.now())[:1]
        if not rows:
            return None
        values = rows[0]
        record = SessionRecord(*values[: len(_RECORD_FIELDS)])
        if record.user_id is not None:
            self.loaded_user = self._user_model().from_db(
                rows.db, user_fields, values[len(_RECORD_FIELDS) :]
            )
        _cache_record(key_hash, record)
        return record

    def load(self) -> dict[str, Any]:
        self.loaded_user = self.cached_user = None
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
            offer_user(None)
            return {}
        self.record = record
        if self.loaded_user is not None:
            offer_user(self.loaded_user, from_cache=False)
        else:
            offer_user(self.cached_user, from_cache=True)
        return self.decode(record.data)

    @staticmethod
    def _user_model() -> type[User]:
        from accounts.models import User

        return User

    def _touch(self, session_key: str, record: SessionRecord, now: datetime) -> bool:
        """Write ``last_seen``; ``False`` if the row is gone (the session was ended)."""
        record.last_seen = now
        record.expire_date = _expiry(record.created, now)
        updated = self.model.objects.filter(pk=record.id).update(
            last_seen=record.last_seen, expire_date=record.expire_date
        )
        if not updated:
            return False
        _cache_record(hash_session_key(session_key), record)
        return True

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(key_hash=hash_session_key(session_key)).exists()

    # -- writing -----------------------------------------------------------------------

    def create(self) -> None:
        """Choose a new key; the row is written once, when the request's session is saved.

        The key has 165 random bits, so a collision is not checked for with a query. A
        signed-in session's key ends with its user's id (see ``save``): not a secret, and
        not trusted either, since the whole key is what must match the stored hash.
        """
        self._session_key = get_random_string(32, _KEY_CHARS)
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
            # The key is final only now that the user is known: it names the user, so
            # that a cached read can fetch session and user in one round trip.
            self._session_key = f"{self._session_key}{_USER_HINT_SEPARATOR}{user_id}"
        session_key = cast("str", self.session_key)  # ``create`` has just set it if unset
        data = self.encode(session)
        now = timezone.now()
        key_hash = hash_session_key(session_key)
        if must_create or self._needs_insert:
            row = self.model.objects.create(
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
            updated = self.model.objects.filter(key_hash=key_hash, expire_date__gt=now).update(
                user_id=user_id, session_data=data, last_seen=now, expire_date=expire_date
            )
            if not updated:
                raise UpdateError
            record_id = self.record.id if self.record else 0
            self.record = SessionRecord(record_id, user_id, data, created, now, expire_date)
        _cache_record(key_hash, self.record)

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is None:
            return
        key_hash = hash_session_key(session_key)
        self.model.objects.filter(key_hash=key_hash).delete()
        forget_cached_sessions([key_hash])
        if session_key == self.session_key:
            self.record = None

    @classmethod
    def clear_expired(cls) -> None:
        cls.get_model_class().objects.filter(expire_date__lte=timezone.now()).delete()


def end_sessions(*, user_id: int, keep_session_key: str | None = None) -> int:
    """Delete the user's sessions (all but ``keep_session_key``); effective at once everywhere.

    Args:
        user_id: Whose sessions to end.
        keep_session_key: The key of the session to keep (the caller's own), if any.

    Returns:
        How many sessions were ended.
    """
    from accounts.models import UserSession

    sessions = UserSession.objects.filter(user_id=user_id)
    if keep_session_key:
        sessions = sessions.exclude(key_hash=hash_session_key(keep_session_key))
    key_hashes = list(sessions.values_list("key_hash", flat=True))
    if not key_hashes:
        return 0
    UserSession.objects.filter(key_hash__in=key_hashes).delete()
    forget_cached_sessions(key_hashes)
    return len(key_hashes)


def end_session(*, user_id: int, session_id: int) -> bool:
    """Delete one of the user's sessions by its public id; ``False`` if it is not theirs."""
    from accounts.models import UserSession

    key_hash = (
        UserSession.objects.filter(user_id=user_id, pk=session_id)
        .values_list("key_hash", flat=True)
        .first()
    )
    if key_hash is None:
        return False
    UserSession.objects.filter(key_hash=key_hash).delete()
    forget_cached_sessions([key_hash])
    return True
