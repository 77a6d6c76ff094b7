"""Giving users everything the service holds about them, as one JSON document."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts import representation, selectors
from accounts.models import User
from accounts.security import second_factors


def export_user_data(*, user: User, current_session_id: int | None = None) -> dict[str, Any]:
    """Collect the profile, sessions, bearer tokens, second factors and events of ``user``.

    Each part has the shape the API shows (``accounts.representation``; the second
    factors as ``GET /auth/mfa/``). Tokens and factors appear by their metadata only:
    no secret, digest, prefix, seed or key is part of the user's data, and an export
    file is often kept carelessly.

    Args:
        user: Whose data to export.
        current_session_id: The session asking, if any, to mark it ``current``.

    Returns:
        A JSON-serialisable document.
    """
    sessions = selectors.list_sessions(
        user=user, current_session_id=current_session_id, include_expired=True
    )
    tokens = selectors.list_tokens(user=user, include_expired=True)
    return {
        "exported_at": representation.timestamp(timezone.now()),
        "profile": {
            **representation.public_user(user),
            "is_active": user.is_active,
            "last_login": representation.timestamp(user.last_login),
        },
        "sessions": [
            {
                **representation.session(session),
                "expires": representation.timestamp(session.expires),
            }
            for session in sessions
        ],
        "tokens": [representation.token_metadata(token) for token in tokens],
        "second_factors": second_factors.describe(user),
        "security_events": [
            representation.security_event(event)
            for event in selectors.list_security_events(user=user)
        ],
    }
