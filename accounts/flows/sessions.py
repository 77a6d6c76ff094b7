"""Ending one of the user's signed-in browsers from the session list."""

from __future__ import annotations

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from rest_framework.exceptions import NotFound

from accounts.models import SecurityEvent, User
from accounts.security.events import record_security_event
from accounts.security.sessions import end_session


@transaction.atomic
def revoke_session(
    *, request: HttpRequest, user: User, session_id: int, current_session_id: int | None
) -> None:
    """End one of the user's sessions, at once on every worker.

    Ending the session the request came with is a logout: the cookie is cleared in the
    answer too.

    Args:
        request: The request, for the event and, for the current session, the logout.
        user: Whose session it must be.
        session_id: The id from the session list.
        current_session_id: The id of the session that authenticated the request, if a
            session did.

    Raises:
        NotFound: The id names no session of this user (another user's session is
            answered exactly like one that does not exist).
    """
    if session_id == current_session_id:
        record_security_event(type=SecurityEvent.Type.SESSION_REVOKED, user=user, request=request)
        logout(request)
        return
    if not end_session(user_id=user.pk, session_id=session_id):
        raise NotFound()
    record_security_event(type=SecurityEvent.Type.SESSION_REVOKED, user=user, request=request)
