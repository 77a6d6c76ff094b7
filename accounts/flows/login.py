"""Signing in and out with a password."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest

from accounts.errors import InvalidCredentials
from accounts.models import AuthToken, SecurityEvent, User
from accounts.security.events import record_security_event
from core.client import Client


def verify_credentials(*, email: str, password: str, client: Client) -> User:
    """Return the active user with these credentials: the check shared by every sign-in.

    It goes through ``accounts.backends.AccountBackend`` like the admin's login form, so
    every entry point counts toward the same limits and leaves the same traces. Call
    it outside ``transaction.atomic`` (a refusal must keep its count and event).

    Raises:
        InvalidCredentials: For an unknown email, a wrong password or an inactive
            account alike.
        LockedOut: Too many failures for this email; the password was not checked.
        TooManyFailures: Too many failures from this address; likewise.
    """
    user = authenticate(None, email=email, password=password, client=client)
    if not isinstance(user, User):
        raise InvalidCredentials()
    return user


def start_session(request: HttpRequest, user: User) -> None:
    """Sign ``user`` in to the browser of ``request`` with a fresh session key.

    The ``login`` event is recorded by Django's ``user_logged_in`` signal
    (``accounts.security.events``), as for every other sign-in.
    """
    if SESSION_KEY in request.session:
        # Django keeps the key when the same user signs in again; a login always
        # gets a new one here, so no earlier copy of the cookie stays valid.
        request.session.cycle_key()
    login(request, user)


def log_out(request: HttpRequest, *, user: User, token: AuthToken | None = None) -> None:
    """End what authenticated the request: the bearer token, or else the session.

    Either is deleted, so a copied cookie or secret stops working on every server at
    once (or the request is refused with 503 and nothing ends). A session's ``logout``
    event comes from Django's ``user_logged_out`` signal.
    """
    with transaction.atomic():  # a refused revocation leaves no ``logout`` event either
        if token is None:
            logout(request)
            return
        AuthToken.objects.filter(pk=token.pk).delete()
        record_security_event(type=SecurityEvent.Type.LOGOUT, user=user, client=Client.of(request))
