"""Signing in and out with a password."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, authenticate, login, logout
from django.http import HttpRequest

from accounts.errors import InvalidCredentials
from accounts.models import AuthToken, SecurityEvent, User
from accounts.security import lockout
from accounts.security.events import record_failed_login, record_security_event
from core.client import client_ip


def verify_credentials(*, request: HttpRequest, email: str, password: str) -> User:
    """Return the active user with these credentials: the check shared by every login.

    Session login and bearer-token creation both call this, so both count toward the
    same limits and leave the same traces. The attempt is counted before the password
    is checked (``accounts.security.lockout``), so concurrent guesses cannot slip past
    the limit. Django's backend runs the password hasher for an unknown email too, so
    the answer takes as long whether or not the account exists.

    Call it outside ``transaction.atomic``: on the database counters (no Redis) a
    rollback would also undo the failure just counted.

    Raises:
        InvalidCredentials: For an unknown email, a wrong password or an inactive
            account alike.
        LockedOut: Too many failures for this email; the password was not checked.
        Throttled: Too many failures from this address; the password was not checked.
    """
    attempt = lockout.reserve_attempt(email=email, ip=client_ip(request))
    user = authenticate(request, email=email, password=password)
    if user is None:
        record_failed_login(request=request, email=email)
        raise InvalidCredentials()
    lockout.attempt_succeeded(attempt)
    return user


def log_in_with_password(*, request: HttpRequest, email: str, password: str) -> User:
    """Check the credentials and start a fresh session (the key is rotated)."""
    user = verify_credentials(request=request, email=email, password=password)
    if SESSION_KEY in request.session:
        # Django keeps the key when the same user signs in again; a login always
        # gets a new one here, so no earlier copy of the cookie stays valid.
        request.session.cycle_key()
    login(request, user)
    record_security_event(type=SecurityEvent.Type.LOGIN, user=user, request=request)
    return user


def log_out(*, request: HttpRequest, user: User, token: AuthToken | None = None) -> None:
    """End what authenticated the request: the bearer token, or else the session.

    A token is deleted, so the secret stops working on every server at once; a session
    row is deleted, so a copied cookie stops working.

    Args:
        request: The logout request.
        user: Who is logging out.
        token: The bearer token the request authenticated with, if it did.
    """
    if token is not None:
        AuthToken.objects.filter(pk=token.pk).delete()
    else:
        logout(request)
    record_security_event(type=SecurityEvent.Type.LOGOUT, user=user, request=request)
