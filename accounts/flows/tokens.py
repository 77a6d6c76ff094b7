"""Bearer tokens for non-browser clients: created with a password, revoked one by one."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from rest_framework.exceptions import NotFound

from accounts.flows.login import verify_credentials
from accounts.models import AuthToken, SecurityEvent, User
from accounts.security import tokens
from accounts.security.events import record_security_event


def create_token(
    *, request: HttpRequest, email: str, password: str, name: str
) -> tuple[AuthToken, str]:
    """Check the credentials like a login and issue a named bearer token.

    The check is the login's own, so token creation counts toward the same failure
    limits and records the same ``login_failed`` event. It runs outside the
    transaction: a refused attempt must leave its event behind.

    Args:
        request: The request, for the event's address and user agent.
        email: The account's email, in any case.
        password: The account's password.
        name: What the user calls the client (``"laptop backup script"``).

    Returns:
        The stored token and its secret, shown to the client this once.

    Raises:
        InvalidCredentials: As the login does.
    """
    user = verify_credentials(request=request, email=email, password=password)
    with transaction.atomic():
        token, secret = tokens.issue_token(user=user, name=name)
        record_security_event(type=SecurityEvent.Type.TOKEN_CREATED, user=user, request=request)
    return token, secret


@transaction.atomic
def revoke_token(*, request: HttpRequest, user: User, token_id: int) -> None:
    """Revoke one of the user's tokens; it stops working at its next request.

    Raises:
        NotFound: The id names no token of this user: another user's token is answered
            exactly like one that does not exist.
    """
    if not tokens.revoke_token(user=user, token_id=token_id):
        raise NotFound()
    record_security_event(type=SecurityEvent.Type.TOKEN_REVOKED, user=user, request=request)
