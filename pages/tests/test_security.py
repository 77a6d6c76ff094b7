"""The security page: each action is the API's flow, each refusal lands on its form."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from accounts.models import AuthToken, PendingEmailChange, SecurityEvent, User, UserSession
from accounts.security import tokens
from accounts.security.events import record_security_event
from accounts.tests.factories import PASSWORD, UserFactory
from core.client import NO_CLIENT
from pages.tests.conftest import PageClient, field_errors, text_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase"
PAGE = "/account/security/"


def _field(response, name: str) -> list[str]:
    return field_errors(response, name)


def test_the_security_page_lists_sessions_tokens_and_events(signed_in, member):
    tokens.issue_token(user=member, name="backup script")

    page = text_of(signed_in.get(PAGE))

    for heading in [
        "Password",
        "Email address",
        "Two-step sign-in",
        "Authenticator app",
        "Recovery codes",
        "Passkeys",
        "Signed-in browsers",
        "Access tokens",
        "Security events",
        "Your data",
        "Delete your account",
    ]:
        assert heading in page
    assert "This browser" in page
    assert "backup script" in page
    assert "Logged in" in page


def test_a_wrong_current_password_is_refused_on_its_field(signed_in, member):
    response = signed_in.submit(
        "/account/security/password/",
        {"password-current_password": "wrong", "password-new_password": NEW_PASSWORD},
        page=PAGE,
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _field(response, "password-current_password") == ["The password is not correct."]
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_on_its_field(signed_in, member):
    response = signed_in.submit(
        "/account/security/password/",
        {"password-current_password": PASSWORD, "password-new_password": "short"},
        page=PAGE,
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _field(response, "password-new_password") == [
        "This password is too short. It must contain at least 8 characters."
    ]


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(signed_in, member):
    elsewhere = PageClient()
    elsewhere.sign_in(member.email)
    tokens.issue_token(user=member, name="cli")

    response = signed_in.submit(
        "/account/security/password/",
        {"password-current_password": PASSWORD, "password-new_password": NEW_PASSWORD},
        page=PAGE,
    )

    assert response["Location"] == "/account/security/#password"
    assert signed_in.get(PAGE).status_code == HTTPStatus.OK
    assert elsewhere.get(PAGE).status_code == HTTPStatus.FOUND
    assert UserSession.objects.filter(user=member).count() == 1
    assert not AuthToken.objects.filter(user=member).exists()


def test_five_wrong_passwords_lock_the_rechecks_of_the_account(signed_in, member):
    token = signed_in.csrf_token(PAGE)
    wrong = {"csrfmiddlewaretoken": token, "delete-password": "wrong"}
    for _ in range(5):
        assert signed_in.post("/account/security/delete/", wrong).status_code == 400

    response = signed_in.post(
        "/account/security/delete/", {"csrfmiddlewaretoken": token, "delete-password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many wrong passwords or codes. Try again later." in text_of(response)
    assert int(response["Retry-After"]) >= 1
    assert User.objects.filter(pk=member.pk).exists()


def test_an_email_change_sends_a_link_and_changes_nothing_yet(signed_in, member):
    response = signed_in.submit(
        "/account/security/email/",
        {"email-new_email": "new@example.com", "email-password": PASSWORD},
        page=PAGE,
    )

    assert response["Location"] == "/account/security/#email"
    assert PendingEmailChange.objects.get(user=member).new_email == "new@example.com"
    member.refresh_from_db()
    assert member.email != "new@example.com"
    assert "A confirmation link was sent to the new address." in text_of(signed_in.get(PAGE))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email-new_email": "new@example.com", "email-password": "wrong"},
            "email-password",
            "The password is not correct.",
        ),
        (
            {"email-new_email": "taken@example.com", "email-password": PASSWORD},
            "email-new_email",
            "A user with that email already exists.",
        ),
        (
            {"email-new_email": "not-an-address", "email-password": PASSWORD},
            "email-new_email",
            "Enter a valid email address.",
        ),
    ],
    ids=["wrong-password", "taken", "not-an-address"],
)
def test_a_refused_email_change_says_why_on_its_field(signed_in, member, data, field, message):
    UserFactory.create(email="taken@example.com")

    response = signed_in.submit("/account/security/email/", data, page=PAGE)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _field(response, field) == [message]
    assert not PendingEmailChange.objects.exists()


def test_the_same_address_is_refused(signed_in, member):
    response = signed_in.submit(
        "/account/security/email/",
        {"email-new_email": member.email.upper(), "email-password": PASSWORD},
        page=PAGE,
    )

    assert _field(response, "email-new_email") == ["This is already your email address."]


def test_email_changes_share_the_apis_limit_per_account(signed_in, member, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "email_change": "1/hour"}
    token = signed_in.csrf_token(PAGE)
    data = {
        "csrfmiddlewaretoken": token,
        "email-new_email": "a@example.com",
        "email-password": PASSWORD,
    }
    assert signed_in.post("/account/security/email/", data).status_code == HTTPStatus.FOUND

    response = signed_in.post(
        "/account/security/email/", {**data, "email-new_email": "b@example.com"}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 3500


def test_signing_out_another_browser_ends_it_at_once(signed_in, member):
    elsewhere = PageClient(HTTP_USER_AGENT="Other Browser/1.0")
    elsewhere.sign_in(member.email)
    other = UserSession.objects.get(user=member, user_agent="Other Browser/1.0")

    response = signed_in.submit(f"/account/security/sessions/{other.pk}/end/", {}, page=PAGE)

    assert response["Location"] == "/account/security/#sessions"
    assert elsewhere.get(PAGE).status_code == HTTPStatus.FOUND
    assert signed_in.get(PAGE).status_code == HTTPStatus.OK
    assert SecurityEvent.objects.filter(user=member, type="session_revoked").count() == 1


def test_another_users_session_cannot_be_ended(signed_in):
    stranger = UserFactory.create()
    PageClient().sign_in(stranger.email)
    theirs = UserSession.objects.get(user=stranger)

    response = signed_in.submit(f"/account/security/sessions/{theirs.pk}/end/", {}, page=PAGE)

    assert response["Location"] == "/account/security/#sessions"
    assert "Not found." in text_of(signed_in.get(PAGE))
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_revoking_a_token_stops_it(signed_in, member):
    token, secret = tokens.issue_token(user=member, name="cli")

    response = signed_in.submit(f"/account/security/tokens/{token.pk}/revoke/", {}, page=PAGE)

    assert response["Location"] == "/account/security/#tokens"
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    assert tokens.find_token(secret) is None


def test_the_export_is_the_apis_document_as_a_download(signed_in, member):
    response = signed_in.get("/account/security/export/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="account-export.json"'
    document = json.loads(response.content)
    assert set(document) == {
        "exported_at", "profile", "sessions", "tokens", "second_factors", "security_events",
    }  # fmt: skip
    assert document["profile"]["email"] == member.email
    assert [session["current"] for session in document["sessions"]] == [True]


def test_a_wrong_password_does_not_delete_the_account(signed_in, member):
    response = signed_in.submit(
        "/account/security/delete/", {"delete-password": "wrong"}, page=PAGE
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _field(response, "delete-password") == ["The password is not correct."]
    assert User.objects.filter(pk=member.pk).exists()


def test_deleting_the_account_removes_it_and_signs_out(signed_in, member):
    response = signed_in.submit(
        "/account/security/delete/", {"delete-password": PASSWORD}, page=PAGE
    )

    assert response["Location"] == "/account/deleted/"
    assert not User.objects.filter(pk=member.pk).exists()
    assert signed_in.get(PAGE)["Location"].startswith("/account/login/")


def test_security_events_are_paginated_newest_first(signed_in, member):
    for _ in range(12):
        record_security_event(type=SecurityEvent.Type.TOKEN_CREATED, user=member, client=NO_CLIENT)

    first = signed_in.get(PAGE)
    second = signed_in.get(PAGE, {"page": "2"})

    assert text_of(first).count("Bearer token created") == 10
    assert "Older events" in text_of(first)
    assert "Page 2 of 2" in text_of(second)
    assert "Logged in" in text_of(second)  # the oldest, the sign-in of this session


@pytest.mark.parametrize(
    "path",
    [
        "/account/security/password/",
        "/account/security/email/",
        "/account/security/delete/",
        "/account/security/sessions/1/end/",
        "/account/security/tokens/1/revoke/",
        "/account/language/",
        "/account/verify-email/resend/",
    ],
)
def test_actions_refuse_a_get_with_the_apis_json_405(signed_in, path):
    response = signed_in.get(path)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"
