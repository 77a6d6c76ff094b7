"""Finding the signed-in user of a session without a query of its own.

Two ways, whichever the session engine's read allows:

- the engine reads the session row joined to its user and *offers* that user to this
  request (:func:`offer_user`); the backend takes it instead of querying again, so an
  authenticated read on the database costs one query, not two;
- where sessions are cached (Redis configured), the user is cached too: the session
  costs no query, and reading the user from the cache leaves ``GET /auth/me/`` with none.

Every save or delete of a user drops its entry (and again once the transaction
commits, so a request that read the row just before cannot keep an old copy for
longer than ``USER_CACHE_TTL``); ``QuerySet.update()`` on users does the same
(``accounts.models.UserQuerySet``).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from redis.exceptions import RedisError

from accounts.app_settings import app_settings
from accounts.models import User

logger = logging.getLogger(__name__)

#: Seconds a cached user lives: the bound on how stale a copy racing a change can be.
USER_CACHE_TTL = 60

#: The user that this request's session read brought along, and whether from the cache.
_offered_user: ContextVar[tuple[User | None, bool]] = ContextVar(
    "offered_user", default=(None, False)
)


def offer_user(user: User | None, *, from_cache: bool = False) -> None:
    """Hand the user read with the session to the backend, for this request only.

    The session engine calls it on every load (``None`` when it read no user), so what
    the backend takes always comes from the current request's own read: the session
    row joined to its user, or the cached record fetched with the cached user.
    """
    _offered_user.set((user, from_cache))


def _take_offered_user(user_id: Any) -> tuple[User | None, bool]:
    user, from_cache = _offered_user.get()
    _offered_user.set((None, False))
    if user is not None and str(user.pk) == str(user_id):
        return user, from_cache
    return None, False


def _user_cache() -> BaseCache | None:
    alias = app_settings.SESSION_CACHE
    return caches[alias] if alias else None


def cached_user_key(user_id: Any) -> str:
    """The cache key of a signed-in user (also fetched by the session engine)."""
    return f"user:{user_id}"


def _delete(cache: BaseCache, keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except RedisError:
        logger.error(
            "user cache unavailable: a changed user stays cached up to %ss", USER_CACHE_TTL
        )


def user_cache_enabled() -> bool:
    return _user_cache() is not None


def forget_users(user_ids: list[int]) -> None:
    """Drop the cached copies of users whose rows changed, now and after commit."""
    cache = _user_cache()
    if cache is not None and user_ids:
        keys = [cached_user_key(user_id) for user_id in user_ids]
        _delete(cache, keys)
        transaction.on_commit(lambda: _delete(cache, keys))


@receiver(post_save, sender=User, dispatch_uid="forget_saved_user")
@receiver(post_delete, sender=User, dispatch_uid="forget_deleted_user")
def _forget_changed_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    forget_users([instance.pk])


class CachedUserBackend(ModelBackend):
    """Django's model backend, reading the user of a session through the shared cache."""

    def get_user(self, user_id: Any) -> User | None:
        offered, from_cache = _take_offered_user(user_id)
        cache = _user_cache()
        if offered is not None:
            if cache is not None and not from_cache:
                self._remember(cache, offered)
            return offered if self.user_can_authenticate(offered) else None
        if cache is None:
            return super().get_user(user_id)
        try:
            user: User | None = cache.get(cached_user_key(user_id))
        except RedisError:
            return super().get_user(user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                self._remember(cache, user)
            return user
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _remember(cache: BaseCache, user: User) -> None:
        try:
            cache.set(cached_user_key(user.pk), user, timeout=USER_CACHE_TTL)
        except RedisError:
            logger.warning("user cache unavailable: not caching a user")
