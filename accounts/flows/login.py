"""Signing in and out with a password."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest

from accounts.errors import InvalidCredentials
from accounts.models import User
from accounts.security import lockout
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
        raise InvalidCredentials()
    lockout.attempt_succeeded(attempt)
    return user


def log_in_with_password(*, request: HttpRequest, email: str, password: str) -> User:
    """Check the credentials and start a fresh session (the key is rotated)."""
    user = verify_credentials(request=request, email=email, password=password)
    login(request, user)
    return user


def log_out(*, request: HttpRequest) -> None:
    """End the session: its row is deleted, so a copied cookie stops working."""
    logout(request)
