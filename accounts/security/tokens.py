"""Bearer tokens: issued once, stored as a hash, looked up by prefix, revocable.

Do like knox: the secret is returned only by :func:`issue_token`; the database keeps
its SHA-256 (the secret has 256 random bits, so a fast hash is enough: nobody can
search that space, and a slow hash would cost every authenticated request) and an
indexed prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from django.utils import timezone

from accounts.app_settings import app_settings
from accounts.models import AuthToken, User

PREFIX_LENGTH = 8
#: ``token_urlsafe(32)`` gives 43 characters; anything much longer is not ours and is
#: refused before it is hashed.
MAX_SECRET_LENGTH = 64


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, user: User, name: str, second_factor: bool = False) -> tuple[AuthToken, str]:
    """Create a token for ``user``, and forget the user's expired ones.

    Its holder has just proved who they are (step-up counts from now), with a second
    factor if ``second_factor``.

    Returns:
        The stored token and its secret, which is never available again.
    """
    now = timezone.now()
    AuthToken.objects.filter(user=user, expires__lte=now).delete()
    secret = secrets.token_urlsafe(32)
    token = AuthToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=_digest(secret),
        expires=now + app_settings.TOKEN_TTL,
        authenticated_at=now,
        second_factor_at=now if second_factor else None,
    )
    return token, secret


_SECRET_SHAPE = re.compile(rf"[A-Za-z0-9_-]{{{PREFIX_LENGTH},{MAX_SECRET_LENGTH}}}")


def find_token(secret: str) -> AuthToken | None:
    """Return the live token whose secret this is, with its user, in one query; else ``None``.

    Expired, revoked (deleted) and made-up secrets are all ``None``: the client's
    remedy is the same for each, a new token.
    """
    if not _SECRET_SHAPE.fullmatch(secret):
        # Not one of ours (NUL bytes, spaces, a JWT...): no query for made-up values.
        return None
    digest = _digest(secret)
    for token in AuthToken.objects.select_related("user").filter(
        prefix=secret[:PREFIX_LENGTH], expires__gt=timezone.now()
    ):
        if hmac.compare_digest(token.digest, digest):
            return token
    return None


def touch_token(token: AuthToken, *, now: datetime | None = None) -> bool:
    """Record that ``token`` was used, unless that was recorded less than the interval ago.

    A write on every request would turn every authenticated read into a write; the
    list shows when a token was last used to within ``TOKEN_TOUCH_INTERVAL``.

    Returns:
        Whether the row was written.
    """
    now = now or timezone.now()
    if token.last_used is not None and now - token.last_used < app_settings.TOKEN_TOUCH_INTERVAL:
        return False
    token.last_used = now
    AuthToken.objects.filter(pk=token.pk).update(last_used=now)
    return True


def revoke_token(*, user: User, token_id: int) -> bool:
    """Delete one of ``user``'s tokens; ``False`` if no such token is theirs."""
    deleted, _ = AuthToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)
