"""The shared cache of sessions and signed-in users, and the one place that forgets them.

With Redis configured (``ACCOUNTS_SESSION_CACHE``), an authenticated read costs no
database query: one ``MGET`` brings the session record, its revocation mark, the user
and the user's cache state. The database stays the truth; this module makes sure that
no copy outlives a change of the truth, on any server:

- **Sessions.** Before a session row is deleted, a revocation mark is written and the
  cached record dropped; a read that finds the mark treats the session as gone. The
  mark outlives any record that a request racing the revocation could still write
  back, and the record is dropped once more after the transaction commits.
- **Users.** Before a user row changes, its cache state is set to *changing* with a new
  token; cached copies carry the token they were read under and count only while the
  state is settled with that same token. Readers never cache during a change, and the
  state settles with yet another token after the commit. So a demoted, deactivated or
  re-passworded user is never served from an older copy, however requests interleave.

Failing closed: when the cache refuses the mark (unreachable, out of memory), the
change is refused with ``ServiceUnavailable`` (503) before anything is written, so a
success answer always means every server sees the change, now and after the cache
recovers. Changes that no authorisation depends on (``last_login``, say) only try.

The receivers at the bottom make every path reach this module: flows, the admin,
management commands, ``QuerySet.update()`` on users and cascading deletes.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.app_settings import app_settings
from accounts.models import User, UserSession, users_about_to_change
from core.cache import CACHE_ERRORS
from core.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

#: Longest a cached session record lives; its revocation mark lives twice as long, so
#: it outlives any copy that a request racing the revocation could have cached.
SESSION_TTL = 300
REVOKED_TTL = 2 * SESSION_TTL
#: Longest a cached user lives; its state lives twice as long (see ``forget_user``).
USER_TTL = 60
USER_STATE_TTL = 2 * USER_TTL

#: The fields of a user whose change must be seen by every server at the next request.
AUTHORISATION_FIELDS = frozenset({"password", "email", "is_active", "is_staff", "is_superuser"})


def shared_cache() -> BaseCache | None:
    """The cache that fronts the session and user tables, or ``None`` (read the tables)."""
    alias = app_settings.SESSION_CACHE
    return caches[alias] if alias else None


# --- Keys ------------------------------------------------------------------------------


def _record_key(key_hash: str) -> str:
    return f"session:{key_hash}"


def _revoked_key(key_hash: str) -> str:
    return f"session-revoked:{key_hash}"


def _user_key(user_id: object) -> str:
    return f"user:{user_id}"


def _user_state_key(user_id: object) -> str:
    return f"user-state:{user_id}"


# --- Sessions ----------------------------------------------------------------------------


@dataclass
class SessionRecord:
    """What a request needs to know about its session row (also what the cache holds)."""

    id: int
    user_id: int | None
    data: str
    created: datetime
    last_seen: datetime
    expire_date: datetime


@dataclass(frozen=True)
class UserState:
    """Which cached copies of a user count: those read under ``token``, unless changing."""

    token: str | None = None
    changing: bool = False


@dataclass
class CachedRead:
    """What one round trip to the cache found for a session key."""

    #: ``None`` when the cache holds no record (read the table).
    record: SessionRecord | None = None
    #: The session was ended: it must not authenticate, whatever the table says.
    revoked: bool = False
    #: The record's user, when cached and still valid.
    user: User | None = None
    #: The user's cache state when read, for caching the user read from the table.
    user_state: UserState | None = None


def read_session(key_hash: str, hinted_user_id: int | None) -> CachedRead | None:
    """Fetch a session's record, revocation mark and user in one round trip.

    Returns:
        What the cache holds, or ``None`` when there is no cache or it does not answer
        (the caller reads the table, which is the truth).
    """
    cache = shared_cache()
    if cache is None:
        return None
    keys = [_record_key(key_hash), _revoked_key(key_hash)]
    if hinted_user_id is not None:
        keys += [_user_key(hinted_user_id), _user_state_key(hinted_user_id)]
    try:
        found = cache.get_many(keys)
    except CACHE_ERRORS:
        logger.warning("session cache unavailable: reading the session table")
        return None
    if _revoked_key(key_hash) in found:
        return CachedRead(revoked=True)
    read = CachedRead(record=found.get(_record_key(key_hash)))
    if hinted_user_id is not None:
        state = found.get(_user_state_key(hinted_user_id)) or UserState()
        read.user_state = state
        entry = found.get(_user_key(hinted_user_id))
        if (
            read.record is not None
            and read.record.user_id == hinted_user_id
            and entry is not None
            and not state.changing
            and entry[0] == state.token
        ):
            read.user = entry[1]
    return read


def remember_session(key_hash: str, record: SessionRecord) -> None:
    """Cache a session record read from or written to the table; a failure costs a query."""
    cache = shared_cache()
    if cache is None:
        return
    timeout = min((record.expire_date - timezone.now()).total_seconds(), SESSION_TTL)
    if timeout <= 0:
        return
    try:
        cache.set(_record_key(key_hash), record, timeout=int(timeout) + 1)
    except CACHE_ERRORS:
        logger.warning("session cache unavailable: not caching a session")


#: Key hashes whose revocation this context has already written (batched deletes).
_already_forgotten: ContextVar[frozenset[str]] = ContextVar(
    "already_forgotten", default=frozenset()
)


def forget_sessions(key_hashes: Iterable[str]) -> None:
    """Mark sessions revoked on every server, before their rows are deleted.

    Raises:
        ServiceUnavailable: The cache cannot take the marks; nothing was changed, so
            the caller's transaction rolls back and the client may retry.
    """
    cache = shared_cache()
    pending = [key_hash for key_hash in key_hashes if key_hash not in _already_forgotten.get()]
    if cache is None or not pending:
        return
    records = [_record_key(key_hash) for key_hash in pending]
    try:
        cache.set_many({_revoked_key(key_hash): True for key_hash in pending}, REVOKED_TTL)
        cache.delete_many(records)
    except CACHE_ERRORS as exc:
        logger.error("session cache unavailable: refusing to end %d session(s)", len(pending))
        raise ServiceUnavailable() from exc
    transaction.on_commit(lambda: _delete_quietly(cache, records))


@contextlib.contextmanager
def sessions_forgotten(key_hashes: Iterable[str]) -> Iterator[None]:
    """Forget ``key_hashes`` at once, then let their deletes skip the per-row receiver."""
    hashes = frozenset(key_hashes)
    forget_sessions(hashes)
    reset = _already_forgotten.set(_already_forgotten.get() | hashes)
    try:
        yield
    finally:
        _already_forgotten.reset(reset)


# --- Users -------------------------------------------------------------------------------


def remember_user(user: User, state: UserState) -> None:
    """Cache ``user`` as read under ``state`` (never while it is changing)."""
    cache = shared_cache()
    if cache is None or state.changing:
        return
    try:
        cache.set(_user_key(user.pk), (state.token, user), timeout=USER_TTL)
    except CACHE_ERRORS:
        logger.warning("user cache unavailable: not caching a user")


def read_user(user_id: object) -> tuple[User | None, UserState | None]:
    """The cached user and the state to cache a fresh read under; ``(None, None)`` if no cache."""
    cache = shared_cache()
    if cache is None:
        return None, None
    try:
        found = cache.get_many([_user_key(user_id), _user_state_key(user_id)])
    except CACHE_ERRORS:
        return None, None
    state = found.get(_user_state_key(user_id)) or UserState()
    entry = found.get(_user_key(user_id))
    if entry is not None and not state.changing and entry[0] == state.token:
        return entry[1], state
    return None, state


def forget_users(user_ids: Iterable[int], *, required: bool = True) -> None:
    """Stop serving cached copies of these users before their rows change.

    The state turns *changing* now (no server reads or writes a copy meanwhile) and
    settles with a new token once the transaction commits (or its TTL passes if it
    rolls back).

    Args:
        user_ids: The users about to change.
        required: Whether the change must be refused when the cache cannot take it
            (anything authorisation depends on); otherwise a failure is only logged.

    Raises:
        ServiceUnavailable: ``required`` and the cache refused the write.
    """
    cache = shared_cache()
    ids = sorted(set(user_ids))
    if cache is None or not ids:
        return
    changing = UserState(secrets.token_hex(8), changing=True)
    try:
        cache.set_many({_user_state_key(user_id): changing for user_id in ids}, USER_STATE_TTL)
    except CACHE_ERRORS as exc:
        if required:
            logger.error("user cache unavailable: refusing to change %d user(s)", len(ids))
            raise ServiceUnavailable() from exc
        logger.warning("user cache unavailable: %d changed user(s) may be served stale", len(ids))
        return

    def settle() -> None:
        settled = UserState(secrets.token_hex(8))
        try:
            cache.set_many({_user_state_key(user_id): settled for user_id in ids}, USER_STATE_TTL)
        except CACHE_ERRORS:
            logger.warning("user cache unavailable: users stay uncached until their state expires")

    transaction.on_commit(settle)


def _delete_quietly(cache: BaseCache, keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except CACHE_ERRORS:
        logger.warning("session cache unavailable: a revocation mark stands in for a delete")


def touches_authorisation(update_fields: Any) -> bool:
    """Whether a save with these ``update_fields`` can change what a user may do."""
    return update_fields is None or bool(AUTHORISATION_FIELDS & set(update_fields))


# --- Every path reaches this module ---------------------------------------------------------


@receiver(pre_save, sender=User, dispatch_uid="accounts.forget_user_before_save")
def _forget_user_before_save(
    sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    if not instance._state.adding:
        forget_users([instance.pk], required=touches_authorisation(update_fields))


@receiver(pre_delete, sender=User, dispatch_uid="accounts.forget_user_before_delete")
def _forget_user_before_delete(sender: type[User], instance: User, **kwargs: Any) -> None:
    forget_users([instance.pk])


@receiver(users_about_to_change, dispatch_uid="accounts.forget_users_before_update")
def _forget_users_before_update(
    sender: type[User], user_ids: list[int], fields: Iterable[str], **kwargs: Any
) -> None:
    forget_users(user_ids, required=touches_authorisation(list(fields)))


@receiver(pre_delete, sender=UserSession, dispatch_uid="accounts.forget_session_before_delete")
def _forget_session_before_delete(
    sender: type[UserSession], instance: UserSession, **kwargs: Any
) -> None:
    forget_sessions([instance.key_hash])
