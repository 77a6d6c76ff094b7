"""Session keys: 165 random bits, a hint of the user, and only their hash stored.

A signed-in session's key ends with its user's id (``<32 random characters>-<id>``),
so that a cached read can fetch the session and its user in one round trip. The id is
not a secret and is not trusted either: the whole key must match the stored hash, and
the record must name that same user. Anything that is not of this shape was never
issued by the service and is treated as no key at all.
"""

from __future__ import annotations

import hashlib
import re

from django.utils.crypto import get_random_string

_RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
_RANDOM_LENGTH = 32
_SHAPE = re.compile(rf"[a-z0-9]{{{_RANDOM_LENGTH}}}(?:-(?P<user_id>[1-9][0-9]{{0,17}}))?")


def new_key() -> str:
    """A fresh key without a user (the row is written once the user is known)."""
    return get_random_string(_RANDOM_LENGTH, _RANDOM_CHARS)


def with_user(key: str, user_id: int) -> str:
    """The key of a signed-in session: the random part and the user's id."""
    return f"{key}-{user_id}"


def is_issued_shape(key: object) -> bool:
    """Whether ``key`` could have been issued by the service (cookie values are not trusted)."""
    return isinstance(key, str) and _SHAPE.fullmatch(key) is not None


def user_hint(key: str) -> int | None:
    """The user id at the end of a signed-in session's key, if it has one."""
    match = _SHAPE.fullmatch(key)
    if match is None or match["user_id"] is None:
        return None
    return int(match["user_id"])


def hash_key(key: str) -> str:
    """What the table stores instead of the key: a copy of the table signs nobody in."""
    return hashlib.sha256(key.encode()).hexdigest()
