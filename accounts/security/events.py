"""Recording security events: called by the flows that change a credential.

Do like Zulip's ``do_change_password``: the function that changes a credential also
writes its event, so no caller can forget it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import SecurityEvent, User, normalize_email
from core.client import NO_CLIENT, Client


def record_security_event(
    *, type: str, user: User | None, client: Client = NO_CLIENT
) -> SecurityEvent:
    """Append one event, with the client's address and user agent.

    Args:
        type: One of ``SecurityEvent.Type``.
        user: Whose account it concerns; ``None`` for a failed login on an unknown email.
        client: Where the change came from (``NO_CLIENT`` for a command or task).

    Returns:
        The stored event.
    """
    return SecurityEvent.objects.create(
        type=type, user=user, ip=client.ip, user_agent=client.user_agent
    )


def record_failed_login(*, client: Client, email: str) -> SecurityEvent:
    """Record a refused password check, on the account's list when the email has one.

    The owner of a known email sees the attempt in ``GET /auth/events/`` (the reason
    the list exists: noticing that someone is trying your password). An unknown email
    is stored as nothing at all, not even the address: one row with no user, the same
    single lookup and single insert either way, so neither the stored data nor the
    time taken depends on whether the account exists. Events are shown only to their
    owner, so no other user can learn from them which emails are registered.

    Args:
        client: Where the attempt came from.
        email: The email as the client sent it.

    Returns:
        The stored event.
    """
    user = User.objects.filter(email=normalize_email(email)).first()
    return record_security_event(type=SecurityEvent.Type.LOGIN_FAILED, user=user, client=client)


@receiver(user_logged_in, dispatch_uid="accounts.record_login")
def _record_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # Every sign-in (API, account pages, admin) goes through Django's ``login()``.
    record_security_event(type=SecurityEvent.Type.LOGIN, user=user, client=Client.of(request))


@receiver(user_logged_out, dispatch_uid="accounts.record_logout")
def _record_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_security_event(type=SecurityEvent.Type.LOGOUT, user=user, client=Client.of(request))
