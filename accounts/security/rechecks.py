"""Re-checks of a signed-in user's identity: the password again, later a second factor.

A session or token in an intruder's hands must not become a way to guess the password:
every re-check (``change_password``, ``change_email``, ``delete_account``,
``reauthenticate``, second-factor codes) counts toward one limit per account, 5
failures within 5 minutes, after which re-checks are refused unchecked until the window
passes. As with the login lockout, the attempt takes its slot before the check, so
concurrent guesses cannot slip past the limit; a success gives its slot back.

Call these outside ``transaction.atomic``: a refusal must not roll back its own count
and event.
"""

from __future__ import annotations

from collections.abc import Callable

from accounts.app_settings import app_settings
from accounts.errors import ReauthenticationLocked, WrongPassword
from accounts.models import SecurityEvent, User
from accounts.security.events import record_security_event
from core import counters
from core.client import Client
from core.exceptions import ServiceError


def _key(user: User) -> str:
    return f"recheck:{user.pk}"


def recheck(
    *,
    user: User,
    client: Client,
    check: Callable[[], object],
    event: str = SecurityEvent.Type.REAUTHENTICATION_FAILED,
) -> None:
    """Run one re-check under the account's limit.

    Args:
        user: The signed-in user.
        client: Where the attempt comes from, for the event.
        check: The check itself (a password, a code): raises a ``ServiceError`` when it
            fails; called only within the limit.
        event: The security event a failure records.

    Raises:
        ReauthenticationLocked: The account had its allowed failures; nothing was checked.
        ServiceError: The check's refusal.
    """
    hit = counters.hit(_key(user), window=app_settings.RECHECK_FAILURE_WINDOW)
    if hit.count > app_settings.RECHECK_FAILURE_LIMIT:
        raise ReauthenticationLocked(hit.retry_after)
    try:
        check()
    except ServiceError:
        record_security_event(type=event, user=user, client=client)
        raise
    counters.release(_key(user))


def recheck_password(*, user: User, password: str, client: Client, field: str = "password") -> None:
    """Refuse unless ``password`` is ``user``'s, under the re-check limit.

    Raises:
        ReauthenticationLocked: Too many failed re-checks of this account.
        WrongPassword: On ``field``.
    """

    def check() -> None:
        if not user.check_password(password):
            raise WrongPassword(field=field)

    recheck(user=user, client=client, check=check)
