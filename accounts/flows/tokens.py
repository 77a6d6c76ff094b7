"""Bearer tokens for non-browser clients: created with a password, revoked one by one."""

from __future__ import annotations

from django.db import transaction

from accounts.flows.login import sign_in_with_password
from accounts.models import AuthToken, PendingSignIn, SecurityEvent, User
from accounts.security import tokens
from accounts.security.events import record_security_event
from core.client import Client
from core.exceptions import NotFound


def create_token(
    *, email: str, password: str, name: str, client: Client, binding: str
) -> tuple[AuthToken, str]:
    """Check the credentials like a login and issue a named bearer token.

    The check is the login's own, so token creation counts toward the same failure
    limits and records the same ``login_failed`` event. It runs outside the
    transaction: a refused attempt must leave its event behind.

    Args:
        email: The account's email, in any case.
        password: The account's password.
        name: What the user calls the client (``"laptop backup script"``).
        client: Where the request comes from.
        binding: What ties a pending sign-in to this client.

    Returns:
        The stored token and its secret, shown to the client this once.

    Raises:
        InvalidCredentials: As the login does.
        SecondFactorRequired: As the login does; the second step issues the token.
    """
    user = sign_in_with_password(
        email=email,
        password=password,
        client=client,
        purpose=PendingSignIn.Purpose.TOKEN,
        binding=binding,
        token_name=name,
    )
    return issue_token(user=user, name=name, client=client)


@transaction.atomic
def issue_token(
    *, user: User, name: str, client: Client, second_factor: bool = False
) -> tuple[AuthToken, str]:
    """Issue a token to a user whose identity was just proven, and record it."""
    token, secret = tokens.issue_token(user=user, name=name, second_factor=second_factor)
    record_security_event(type=SecurityEvent.Type.TOKEN_CREATED, user=user, client=client)
    return token, secret


@transaction.atomic
def revoke_token(*, user: User, token_id: int, client: Client) -> None:
    """Revoke one of the user's tokens; it stops working at its next request.

    Raises:
        NotFound: The id names no token of this user: another user's token is answered
            exactly like one that does not exist.
    """
    if not tokens.revoke_token(user=user, token_id=token_id):
        raise NotFound()
    record_security_event(type=SecurityEvent.Type.TOKEN_REVOKED, user=user, client=client)
