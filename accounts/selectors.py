"""The read side: what the security views list, each in one query whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AuthToken, SecurityEvent, User, UserSession


@dataclass(frozen=True)
class SessionListing:
    """One of the user's sessions; ``current`` marks the caller's own."""

    id: int
    created: datetime
    last_seen: datetime
    expires: datetime
    ip: str | None
    user_agent: str
    current: bool


def list_sessions(
    *, user: User, current_session_id: int | None = None, include_expired: bool = False
) -> list[SessionListing]:
    """Return the user's sessions, most recently used first.

    Args:
        user: Whose sessions.
        current_session_id: The id of the session the request came with, if any.
        include_expired: Also the rows that no longer sign anyone in (for the export).
    """
    sessions = UserSession.objects.filter(user=user)
    if not include_expired:
        sessions = sessions.filter(expire_date__gt=timezone.now())
    rows = sessions.order_by("-last_seen", "-id").values_list(
        "id", "created", "last_seen", "expire_date", "ip", "user_agent"
    )
    return [SessionListing(*row, current=row[0] == current_session_id) for row in rows]


def list_tokens(*, user: User, include_expired: bool = False) -> QuerySet[AuthToken]:
    """Return the user's bearer tokens, newest first (never their secrets: none is kept).

    Expired tokens are left out unless asked for: they authenticate nobody and the user
    cannot revive them.
    """
    tokens = AuthToken.objects.filter(user=user)
    if not include_expired:
        tokens = tokens.filter(expires__gt=timezone.now())
    return tokens.order_by("-created", "-id").only(
        "id", "name", "prefix", "created", "expires", "last_used"
    )


def list_security_events(*, user: User) -> QuerySet[SecurityEvent]:
    """Return the user's security events, newest first (served by ``event_user_created_idx``)."""
    return SecurityEvent.objects.filter(user=user).order_by("-created", "-id")
