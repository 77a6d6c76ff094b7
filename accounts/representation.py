"""How the service's objects look to their owner, as JSON-ready values.

One shape per object, used by the API's serializers and by the data export alike, so
the export is always what the API shows and nothing more. Plain functions over models:
no HTTP, no Django REST framework.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import AuthToken, SecurityEvent, User
from accounts.selectors import SessionListing


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as Django REST framework renders datetimes."""
    if value is None:
        return None
    text = timezone.localtime(value, timezone.get_current_timezone()).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def public_user(user: User) -> dict[str, Any]:
    """The public representation of a user: never the password hash, never the staff flags."""
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "currency": user.currency,
        "status": user.status,
        "language": user.language,
        "email_verified": user.email_verified,
        "date_joined": timestamp(user.date_joined),
    }


def token_metadata(token: AuthToken) -> dict[str, Any]:
    """A bearer token as its owner sees it: enough to recognise it, never its secret."""
    return {
        "id": token.pk,
        "name": token.name,
        "created": timestamp(token.created),
        "expires": timestamp(token.expires),
        "last_used": timestamp(token.last_used),
    }


def session(listing: SessionListing) -> dict[str, Any]:
    """A signed-in browser as its owner sees it in the session list."""
    return {
        "id": listing.id,
        "created": timestamp(listing.created),
        "last_seen": timestamp(listing.last_seen),
        "ip": listing.ip,
        "user_agent": listing.user_agent,
        "current": listing.current,
    }


def security_event(event: SecurityEvent) -> dict[str, Any]:
    return {
        "type": event.type,
        "created": timestamp(event.created),
        "ip": event.ip,
        "user_agent": event.user_agent,
    }
