"""Bearer tokens: issued once, stored as a hash, looked up by prefix, revocable.

Do like knox: the secret is returned only by :func:`issue_token`; the database keeps
its SHA-256 (the secret has 256 random bits, so a fast hash is enough) and an
indexed prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import AuthToken, User

PREFIX_LENGTH = 8


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "ACCOUNTS_TOKEN_TTL", 30 * 24 * 3600))


def issue_token(*, user: User, name: str) -> tuple[AuthToken, str]:
    """Create a token for ``user``.

    Returns:
        The stored token and its secret, which is never available again.
    """
    secret = secrets.token_urlsafe(32)
    token = AuthToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=_digest(secret),
        expires=timezone.now() + token_lifetime(),
    )
    return token, secret


def find_token(secret: str) -> AuthToken | None:
    """Return the live token whose secret this is, with its user, or ``None``."""
    digest = _digest(secret)
    for token in AuthToken.objects.select_related("user").filter(
        prefix=secret[:PREFIX_LENGTH], expires__gt=timezone.now()
    ):
        if hmac.compare_digest(token.digest, digest):
            return token
    return None


def revoke_user_tokens(*, user: User) -> int:
    """Delete every bearer token of ``user``; returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
