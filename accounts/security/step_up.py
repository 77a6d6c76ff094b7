"""Step-up: how recently the holder of a session or a bearer token proved who they are.

Sensitive actions (a new password or email, deleting the account, the export, any
change of second factors) need a proof from the last five minutes. A sign-in is such a
proof, and so is ``POST /auth/reauthenticate/``. The time is kept where the credential
lives: in the session's data, or on the token's row. For a user with a second factor,
only a proof that included one counts.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.app_settings import app_settings
from accounts.models import AuthToken, User
from accounts.security import second_factors

_AUTHENTICATED_AT = "_auth_at"
_SECOND_FACTOR_AT = "_auth_2fa_at"


@dataclass(frozen=True)
class Proof:
    """A proof of identity just given: when, and whether it included a second factor."""

    at: datetime
    second_factor: bool


def remember(
    proof: Proof, *, session: MutableMapping[str, Any] | None, token: AuthToken | None
) -> None:
    """Keep ``proof`` with the credential that made the request (its token, else its session)."""
    if token is not None:
        token.authenticated_at = proof.at
        fields = ["authenticated_at"]
        if proof.second_factor:
            token.second_factor_at = proof.at
            fields.append("second_factor_at")
        AuthToken.objects.filter(pk=token.pk).update(**dict.fromkeys(fields, proof.at))
    elif session is not None:
        session[_AUTHENTICATED_AT] = proof.at.timestamp()
        if proof.second_factor:
            session[_SECOND_FACTOR_AT] = proof.at.timestamp()


def _last(session: MutableMapping[str, Any] | None, token: AuthToken | None) -> tuple[Any, Any]:
    if token is not None:
        return token.authenticated_at, token.second_factor_at
    if session is not None:
        return session.get(_AUTHENTICATED_AT), session.get(_SECOND_FACTOR_AT)
    return None, None


def _recent(value: Any) -> bool:
    if isinstance(value, datetime):
        value = value.timestamp()
    if not isinstance(value, (int, float)):
        return False
    age = timezone.now().timestamp() - value
    return 0 <= age < app_settings.REAUTHENTICATION_WINDOW.total_seconds()


def is_recent(
    user: User,
    *,
    session: MutableMapping[str, Any] | None,
    token: AuthToken | None,
    password_given: bool = False,
) -> bool:
    """Whether the credential's holder proved who they are recently enough.

    Args:
        user: The signed-in user.
        session: The request's session, when a session authenticated it.
        token: The bearer token that authenticated it, if one did.
        password_given: The action takes the password in its body (checked by its
            flow): enough for a user without a second factor.
    """
    authenticated_at, second_factor_at = _last(session, token)
    if second_factors.has_second_factor(user):
        return _recent(second_factor_at)
    return password_given or _recent(authenticated_at)


def methods(user: User) -> list[str]:
    """What the user can prove themselves with at ``POST /auth/reauthenticate/``."""
    return [second_factors.PASSWORD, *second_factors.methods(user)]
