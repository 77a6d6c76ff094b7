"""Step-up: a signed-in user proves again who they are, for the sensitive actions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.errors import InvalidCredentials, PasswordRequired, SecondFactorMissing
from accounts.models import SecurityEvent, User
from accounts.security import second_factors
from accounts.security.rechecks import recheck, recheck_password
from accounts.security.step_up import Proof
from core.client import Client


def reauthenticate(
    *,
    user: User,
    client: Client,
    password: str | None = None,
    code: str | None = None,
    recovery_code: str | None = None,
    credential: Any = None,
) -> Proof:
    """Check a fresh proof of identity: the password, or a passkey alone.

    A user with a second factor gives a code with the password; a passkey is a whole
    multi-factor proof by itself.

    Every check counts toward the account's re-check limit, so a stolen session cannot
    guess the password or codes through it.

    Returns:
        The proof, for ``accounts.security.step_up.remember``.

    Raises:
        PasswordRequired: Neither a password nor a passkey was given.
        SecondFactorMissing: The user has a second factor and gave no code.
        ReauthenticationLocked: Too many failed re-checks of this account.
        WrongPassword: On ``password``.
        ServiceError: The factor's refusal (``invalid_code``, ``invalid_credential``…).
    """
    provider = second_factors.provider()
    if credential is not None:
        if provider is None:
            raise InvalidCredentials()
        recheck(
            user=user,
            client=client,
            check=lambda: provider.verify(
                user=user, purpose="reauthenticate", client=client, credential=credential
            ),
            event=SecurityEvent.Type.MFA_FAILED,
        )
        return Proof(at=timezone.now(), second_factor=True)
    if password is None:
        raise PasswordRequired()
    with_second_factor = second_factors.has_second_factor(user)
    if with_second_factor and code is None and recovery_code is None:
        raise SecondFactorMissing()
    recheck_password(user=user, password=password, client=client)
    if with_second_factor and provider is not None:
        recheck(
            user=user,
            client=client,
            check=lambda: provider.verify(
                user=user,
                purpose="reauthenticate",
                client=client,
                code=code,
                recovery_code=recovery_code,
            ),
            event=SecurityEvent.Type.MFA_FAILED,
        )
    return Proof(at=timezone.now(), second_factor=with_second_factor)
