"""Giving users everything the service holds about them, as one JSON document."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import AuthToken, SecurityEvent, User, UserSession
from accounts.security.sessions import hash_session_key


def export_user_data(*, user: User, current_session_key: str | None = None) -> dict[str, Any]:
    """Collect the profile, sessions, bearer tokens and security events of ``user``.

    Tokens appear by their metadata only: neither the secret nor its digest or prefix
    is part of the user's data, and an export file is often kept carelessly.

    Args:
        user: Whose data to export.
        current_session_key: The key of the session asking, to mark it ``current``.

    Returns:
        A JSON-serialisable document.
    """
    current_hash = hash_session_key(current_session_key) if current_session_key else None
    sessions = UserSession.objects.filter(user=user, expire_date__gt=timezone.now()).order_by(
        "-created"
    )
    tokens = AuthToken.objects.filter(user=user).order_by("-created")
    events = SecurityEvent.objects.filter(user=user).order_by("-created", "-id")
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "currency": user.currency,
            "status": user.status,
            "language": user.language,
            "email_verified": user.email_verified,
            "is_active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "sessions": [
            {
                "id": session.pk,
                "created": session.created.isoformat(),
                "last_seen": session.last_seen.isoformat(),
                "expires": session.expire_date.isoformat(),
                "ip": session.ip,
                "user_agent": session.user_agent,
                "current": session.key_hash == current_hash,
            }
            for session in sessions
        ],
        "tokens": [
            {
                "id": token.pk,
                "name": token.name,
                "created": token.created.isoformat(),
                "expires": token.expires.isoformat(),
                "last_used": token.last_used.isoformat() if token.last_used else None,
            }
            for token in tokens
        ],
        "security_events": [
            {
                "type": event.type,
                "created": event.created.isoformat(),
                "ip": event.ip,
                "user_agent": event.user_agent,
            }
            for event in events
        ],
    }
