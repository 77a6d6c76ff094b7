"""Recording security events: called by the flows that change a credential.

Do like Zulip's ``do_change_password``: the function that changes a credential also
writes its event, so no caller can forget it.
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import SecurityEvent, User, normalize_email
from core.client import client_ip, user_agent


def record_security_event(
    *, type: str, user: User | None, request: HttpRequest | None = None
) -> SecurityEvent:
    """Append one event, with the request's client address and user agent.

    Args:
        type: One of ``SecurityEvent.Type``.
        user: Whose account it concerns; ``None`` for a failed login on an unknown email.
        request: The request that caused it, if any.

    Returns:
        The stored event.
    """
    ip, agent = (client_ip(request) or None, user_agent(request)) if request else (None, "")
    return SecurityEvent.objects.create(type=type, user=user, ip=ip, user_agent=agent)


def record_failed_login(*, request: HttpRequest, email: str) -> SecurityEvent:
    """Record a refused password check, on the account's list when the email has one.

    The owner of a known email sees the attempt in ``GET /auth/events/`` (the reason
    the list exists: noticing that someone is trying your password). An unknown email
    is stored as nothing at all, not even the address: one row with no user, the same
    single lookup and single insert either way, so neither the stored data nor the
    time taken depends on whether the account exists. Events are shown only to their
    owner, so no other user can learn from them which emails are registered.

    Args:
        request: The login or token-creation request.
        email: The email as the client sent it.

    Returns:
        The stored event.
    """
    user = User.objects.filter(email=normalize_email(email)).first()
    return record_security_event(type=SecurityEvent.Type.LOGIN_FAILED, user=user, request=request)
