"""Signing in and out: the password step, the second step, a passkey alone.

Every sign-in ends in one of two things: a browser session (``start_session``) or a
bearer token (``accounts.flows.tokens``). For a user with a second factor the password
step starts neither: it leaves a pending sign-in that the second step completes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import SESSION_KEY, authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.errors import InvalidCredentials, InvalidMfaToken, SecondFactorRequired
from accounts.models import AuthToken, PendingSignIn, SecurityEvent, User
from accounts.security import lockout, pending_sign_ins, second_factors, step_up
from accounts.security.events import record_security_event
from core.client import Client
from core.exceptions import ServiceError


def verify_credentials(*, email: str, password: str, client: Client) -> User:
    """Return the active user with these credentials: the check shared by every sign-in.

    It goes through ``accounts.backends.AccountBackend`` like the admin's login form, so
    every entry point counts toward the same limits and leaves the same traces. Call
    it outside ``transaction.atomic`` (a refusal must keep its count and event).

    Raises:
        InvalidCredentials: For an unknown email, a wrong password or an inactive
            account alike.
        RateLimited: Too many login requests from this address; the password was not
            checked.
        LockedOut: Too many failures for this email; likewise.
        TooManyFailures: Too many failures from this address; likewise.
    """
    user = authenticate(None, email=email, password=password, client=client)
    if not isinstance(user, User):
        raise InvalidCredentials()
    return user


def sign_in_with_password(
    *, email: str, password: str, client: Client, purpose: str, binding: str, token_name: str = ""
) -> User:
    """The password step: the user when the password is enough.

    Nothing tells whether the account has a second factor before the password is right.

    Args:
        email: As typed.
        password: As typed.
        client: Where the request comes from.
        purpose: ``PendingSignIn.Purpose``: what the sign-in starts when complete.
        binding: What ties a pending sign-in to this client (for ``purpose``).
        token_name: The bearer token's name, for a token sign-in.

    Raises:
        SecondFactorRequired: The user has a second factor: ``mfa_token`` and ``methods``
            say how to go on; nothing was started.
        InvalidCredentials: As :func:`verify_credentials`.
    """
    user = verify_credentials(email=email, password=password, client=client)
    if second_factors.has_second_factor(user):
        token = pending_sign_ins.begin(
            user=user, purpose=purpose, binding=binding, token_name=token_name
        )
        raise SecondFactorRequired(mfa_token=token, methods=second_factors.methods(user))
    return user


@dataclass(frozen=True)
class SignIn:
    """A sign-in whose every step is done: what it starts, for whom."""

    user: User
    purpose: str
    token_name: str = ""
    second_factor: bool = True


def complete_second_step(
    *,
    mfa_token: str,
    binding: pending_sign_ins.Binding,
    client: Client,
    code: str | None = None,
    recovery_code: str | None = None,
    credential: Any = None,
) -> SignIn:
    """Answer a pending sign-in's second step with a code, a recovery code or a passkey.

    Each answer counts as a login attempt of the email (five wrong answers lock it, as
    five wrong passwords do) and of the pending sign-in (five void it). A right answer
    uses the sign-in up: of simultaneous answers exactly one completes it.

    Raises:
        InvalidMfaToken: Unknown, expired, used, void, or another client's sign-in.
        LockedOut: Too many failed logins of the email; nothing was checked.
        ServiceError: The factor's refusal (``invalid_code``, ``invalid_credential``…).
    """
    pending = _pending(mfa_token, binding)
    user = pending.user
    lockout.reserve_second_step(email=user.email)
    try:
        _verify(
            user,
            purpose="mfa",
            client=client,
            code=code,
            recovery_code=recovery_code,
            credential=credential,
        )
    except ServiceError:
        record_security_event(type=SecurityEvent.Type.MFA_FAILED, user=user, client=client)
        if pending_sign_ins.record_failure(pending):
            raise InvalidMfaToken() from None
        raise
    if not pending_sign_ins.consume(pending):
        raise InvalidMfaToken()
    lockout.clear(email=user.email)
    return SignIn(user=user, purpose=pending.purpose, token_name=pending.token_name)


def second_step_options(*, mfa_token: str, binding: pending_sign_ins.Binding) -> dict[str, Any]:
    """Passkey request options for a pending sign-in's second step."""
    provider = second_factors.provider()
    pending = _pending(mfa_token, binding)
    if provider is None:
        raise InvalidMfaToken()
    return provider.passkey_options(purpose="mfa", user=pending.user)


def sign_in_with_passkey(*, credential: Any, client: Client, purpose: str) -> SignIn:
    """A whole sign-in with a discoverable passkey: no password, no second step.

    Raises:
        ServiceError: The assertion does not verify (``invalid_credential``…).
    """
    provider = second_factors.provider()
    if provider is None:
        raise InvalidCredentials()
    user = provider.sign_in_with_passkey(credential=credential, client=client)
    return SignIn(user=user, purpose=purpose)


def passkey_sign_in_options() -> dict[str, Any]:
    """Request options for a sign-in with a discoverable passkey."""
    provider = second_factors.provider()
    if provider is None:
        raise InvalidCredentials()
    return provider.passkey_options(purpose="login")


def _pending(mfa_token: str, binding: pending_sign_ins.Binding) -> PendingSignIn:
    pending = pending_sign_ins.find(mfa_token, binding=binding)
    if pending is None:
        raise InvalidMfaToken()
    return pending


def _verify(user: User, **answer: Any) -> None:
    provider = second_factors.provider()
    if provider is None:
        raise InvalidMfaToken()
    provider.verify(user=user, **answer)


def start_session(request: HttpRequest, user: User, *, second_factor: bool = False) -> None:
    """Sign ``user`` in to the browser of ``request`` with a fresh session key.

    The ``login`` event is recorded by Django's ``user_logged_in`` signal
    (``accounts.security.events``), as for every other sign-in. The sign-in is a proof
    of identity for step-up, with a second factor if ``second_factor``.
    """
    if SESSION_KEY in request.session:
        # Django keeps the key when the same user signs in again; a login always
        # gets a new one here, so no earlier copy of the cookie stays valid.
        request.session.cycle_key()
    login(request, user)
    proof = step_up.Proof(at=timezone.now(), second_factor=second_factor)
    step_up.remember(proof, session=request.session, token=None)


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
