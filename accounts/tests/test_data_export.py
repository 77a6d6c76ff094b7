"""Exporting everything the service holds about the user."""

from __future__ import annotations

import json

import pytest

from accounts.models import AuthToken, SecurityEvent
from accounts.security.events import record_security_event
from accounts.security.tokens import issue_token
from accounts.tests.factories import UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db


def test_export_holds_profile_sessions_token_metadata_and_events(client):
    user = UserFactory.create(first_name="Ann", last_name="Lee", currency="USD")
    BrowserClient().log_in(user.email)  # another device
    client.log_in(user.email)
    token, secret = issue_token(user=user, name="phone")
    record_security_event(type=SecurityEvent.Type.TOKEN_CREATED, user=user)
    UserFactory.create()  # someone else's data stays out

    response = client.get("/auth/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="account-export.json"'
    document = response.json()
    assert set(document) == {
        "exported_at", "profile", "sessions", "tokens", "second_factors", "security_events",
    }  # fmt: skip
    profile = document["profile"]
    assert profile["id"] == user.pk
    assert (profile["email"], profile["first_name"], profile["currency"]) == (
        user.email,
        "Ann",
        "USD",
    )
    assert "password" not in profile
    # The profile is the API's own shape of the user, plus what only the export shows.
    assert profile == {
        **client.get("/auth/me/").json(),
        "is_active": True,
        "last_login": profile["last_login"],
    }
    assert len(document["sessions"]) == 2
    assert [session["current"] for session in document["sessions"]] == [True, False]
    assert set(document["sessions"][0]) == {
        "id", "created", "last_seen", "expires", "ip", "user_agent", "current",
    }  # fmt: skip
    assert document["tokens"] == [
        {
            "id": token.pk,
            "name": "phone",
            "created": token.created.isoformat().replace("+00:00", "Z"),
            "expires": token.expires.isoformat().replace("+00:00", "Z"),
            "last_used": None,
        }
    ]
    assert [event["type"] for event in document["security_events"]] == [
        "token_created",
        "login",
        "login",
    ]
    raw = json.dumps(document)
    stored = AuthToken.objects.get(pk=token.pk)
    for secret_part in (secret, stored.digest, stored.prefix, user.password):
        assert secret_part not in raw


def test_export_needs_a_session(client):
    response = client.get("/auth/export/")

    assert response.status_code == 401
