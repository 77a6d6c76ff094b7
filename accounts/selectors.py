"""The read side: what the security views list, each in one query whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AuthToken, SecurityEvent, User, UserSession


@dataclass(frozen=True)
class SessionListing:
    """One row of ``GET /auth/sessions/``; ``current`` marks the caller's own session."""

    id: int
    created: datetime
    last_seen: datetime
    ip: str | None
    user_agent: str
    current: bool


def list_sessions(*, user: User, current_session_id: int | None = None) -> list[SessionListing]:
    """Return the user's live sessions, most recently used first.

    Args:
        user: Whose sessions.
        current_session_id: The id of the session the request came with, if any.

    Returns:
        The sessions that still sign someone in (expired rows are left out).
    """
    rows = (
        UserSession.objects.filter(user=user, expire_date__gt=timezone.now())
        .order_by("-last_seen", "-id")
        .values_list("id", "created", "last_seen", "ip", "user_agent")
    )
    return [SessionListing(*row, current=row[0] == current_session_id) for row in rows]


def list_tokens(*, user: User) -> QuerySet[AuthToken]:
    """Return the user's live bearer tokens, newest first (never their secrets: none is kept).

    Expired tokens are left out: they authenticate nobody and the user cannot revive them.
    """
    return (
        AuthToken.objects.filter(user=user, expires__gt=timezone.now())
        .order_by("-created", "-id")
        .only("id", "name", "prefix", "created", "expires", "last_used")
    )


def list_security_events(*, user: User) -> QuerySet[SecurityEvent]:
    """Return the user's security events, newest first (served by ``event_user_created_idx``)."""
    return SecurityEvent.objects.filter(user=user).order_by("-created", "-id")
