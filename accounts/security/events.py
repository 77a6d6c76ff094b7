"""Recording security events: one function, called by the flows that change a credential."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import SecurityEvent, User
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
