"""Changing the password while signed in."""

from __future__ import annotations

import pytest

from accounts.models import AuthToken, SecurityEvent, User
from accounts.security.tokens import find_token, issue_token
from accounts.tests.conftest import text_part
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-whole-new-passphrase"


def _change(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        "/auth/change_password/",
        {"current_password": current, "new_password": new},
        format="json",
    )


def test_change_password_ends_every_other_session_and_token_and_keeps_this_one(mailbox):
    user = UserFactory.create()
    this_browser, other_browser = BrowserClient(), BrowserClient()
    this_browser.log_in(user.email)
    other_browser.log_in(user.email)
    _, secret = issue_token(user=user, name="phone")

    response = _change(this_browser)

    assert response.status_code == 200
    assert response.json() == {"message": "Your password was changed."}
    assert this_browser.get("/auth/me/").status_code == 200
    assert other_browser.get("/auth/me/").status_code == 401
    assert find_token(secret) is None
    assert not AuthToken.objects.filter(user=user).exists()
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert SecurityEvent.objects.filter(user=user, type="password_changed").count() == 1

    message = mailbox.deliver_one(user.email)
    assert message["Subject"] == "Your password was changed"
    assert "The password of your account was changed." in text_part(message)

    # The new password logs in; the old one no longer does.
    BrowserClient().log_in(user.email, NEW_PASSWORD)
    fresh = BrowserClient()
    fresh.fetch_csrf_token()
    refused = fresh.post("/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    assert refused.status_code == 401


def test_a_wrong_current_password_is_a_400_and_changes_nothing(client, mailbox):
    user = UserFactory.create()
    client.log_in(user.email)

    response = _change(client, current="not-the-password")

    assert response.status_code == 400
    assert response.json() == {
        "current_password": ["The password is not correct."],
        "codes": {"current_password": ["wrong_password"]},
    }
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert mailbox.run_worker() == []


def test_a_weak_new_password_is_a_400_on_new_password(client):
    user = UserFactory.create()
    client.log_in(user.email)

    response = _change(client, new="12345678")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"new_password", "codes"}
    assert body["codes"]["new_password"] == ["password_too_common", "password_entirely_numeric"]
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_change_password_needs_a_session_and_a_csrf_token(client):
    assert _change(client).status_code == 401
    user = UserFactory.create()
    client.log_in(user.email)
    client.credentials()

    response = _change(client)

    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_change_password_with_a_bearer_token_starts_no_session():
    user = UserFactory.create()
    _token, secret = issue_token(user=user, name="cli")
    client = BrowserClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = client.post(
        "/auth/change_password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not user.sessions.exists()
    assert find_token(secret) is None
