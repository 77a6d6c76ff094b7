"""Ending one of the user's signed-in browsers from the session list."""

from __future__ import annotations

from django.db import transaction

from accounts.models import SecurityEvent, User
from accounts.security.events import record_security_event
from accounts.security.sessions.revocation import end_session
from core.client import Client
from core.exceptions import NotFound


@transaction.atomic
def revoke_session(*, user: User, session_id: int, client: Client) -> None:
    """End one of the user's sessions, at once on every server.

    Args:
        user: Whose session it must be.
        session_id: The id from the session list.
        client: Where the request comes from, for the event.

    Raises:
        NotFound: The id names no session of this user (another user's session is
            answered exactly like one that does not exist).
        ServiceUnavailable: The revocation cannot be made durable; nothing ended.
    """
    if not end_session(user_id=user.pk, session_id=session_id):
        raise NotFound()
    record_security_event(type=SecurityEvent.Type.SESSION_REVOKED, user=user, client=client)
