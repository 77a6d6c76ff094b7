"""Step-up for factor changes: refused without a recent proof, renewed by each factor."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import AuthToken, SecurityEvent
from accounts.tests.factories import PASSWORD
from mfa.models import TOTPDevice
from mfa.tests.helpers import (
    add_passkey_via_api,
    age_session_proof,
    age_token_proof,
    code_now,
    enrol_totp_via_api,
    reauthenticate_with_passkey,
    sign_in_with_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db


def test_a_stale_session_renews_its_proof_with_the_password(logged_in):
    age_session_proof(logged_in)

    refused = logged_in.post("/auth/mfa/totp/", format="json")
    renewed = logged_in.post("/auth/reauthenticate/", {"password": PASSWORD}, format="json")
    accepted = logged_in.post("/auth/mfa/totp/", format="json")

    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json() == {
        "detail": "Confirm it is you to continue.",
        "code": "reauthentication_required",
        "methods": ["password"],
    }
    assert renewed.status_code == HTTPStatus.OK
    assert accepted.status_code == HTTPStatus.OK


@pytest.fixture
def with_app(user, logged_in):
    """A user with an authenticator app, signed in with it, whose proof is now stale."""
    secret, codes = enrol_totp_via_api(logged_in)
    browser = sign_in_with_code(user, secret)
    age_session_proof(browser)
    TOTPDevice.objects.filter(user=user).update(last_used_step=None)  # as 30 s later
    return browser, secret, codes


def test_a_password_alone_does_not_renew_the_proof_of_a_user_with_a_factor(with_app):
    browser, _secret, _codes = with_app

    response = browser.post("/auth/reauthenticate/", {"password": PASSWORD}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {"code": ["mfa_required"]}
    assert browser.delete("/auth/mfa/totp/").json()["code"] == "reauthentication_required"


def test_password_and_code_renew_the_proof(with_app):
    browser, secret, _codes = with_app
    assert browser.delete("/auth/mfa/totp/").status_code == HTTPStatus.UNAUTHORIZED

    renewed = browser.post(
        "/auth/reauthenticate/", {"password": PASSWORD, "code": code_now(secret)}, format="json"
    )

    assert renewed.status_code == HTTPStatus.OK
    assert browser.delete("/auth/mfa/totp/").status_code == HTTPStatus.NO_CONTENT


def test_password_and_a_recovery_code_renew_the_proof(with_app):
    browser, _secret, codes = with_app

    renewed = browser.post(
        "/auth/reauthenticate/", {"password": PASSWORD, "recovery_code": codes[3]}, format="json"
    )
    again = browser.post(
        "/auth/reauthenticate/", {"password": PASSWORD, "recovery_code": codes[3]}, format="json"
    )

    assert renewed.status_code == HTTPStatus.OK
    assert again.json()["codes"] == {"recovery_code": ["invalid_code"]}
    assert browser.post("/auth/mfa/recovery_codes/", format="json").status_code == HTTPStatus.OK


def test_a_passkey_alone_renews_the_proof(logged_in, authenticator):
    created = add_passkey_via_api(logged_in, authenticator)
    age_session_proof(logged_in)
    assert logged_in.delete(f"/auth/passkeys/{created['id']}/").status_code == 401

    reauthenticate_with_passkey(logged_in, authenticator)

    assert logged_in.delete(f"/auth/passkeys/{created['id']}/").status_code == 204


def test_a_bearer_token_steps_up_on_its_own_row(user, logged_in):
    secret, _codes = enrol_totp_via_api(logged_in)
    TOTPDevice.objects.filter(user=user).update(last_used_step=None)
    app = APIClient(HTTP_USER_AGENT="Budget/2.0 (iPhone)")
    first = app.post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "x"}, format="json"
    ).json()
    issued = app.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": first["mfa_token"], "code": code_now(secret)},
        format="json",
    ).json()
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {issued['token']}")
    fresh = app.post("/auth/mfa/recovery_codes/", format="json")
    age_token_proof(AuthToken.objects.get())
    TOTPDevice.objects.filter(user=user).update(last_used_step=None)

    stale = app.post("/auth/mfa/recovery_codes/", format="json")
    renewed = app.post(
        "/auth/reauthenticate/", {"password": PASSWORD, "code": code_now(secret)}, format="json"
    )
    after = app.post("/auth/mfa/recovery_codes/", format="json")

    assert fresh.status_code == HTTPStatus.OK
    assert stale.json()["code"] == "reauthentication_required"
    assert renewed.status_code == HTTPStatus.OK
    assert after.status_code == HTTPStatus.OK


def test_wrong_codes_share_the_recheck_limit_with_change_password(with_app, user):
    browser, secret, _codes = with_app
    renewed = browser.post(
        "/auth/reauthenticate/", {"password": PASSWORD, "code": code_now(secret)}, format="json"
    )
    assert renewed.status_code == HTTPStatus.OK
    for _ in range(3):
        wrong = browser.post(
            "/auth/change_password/",
            {"current_password": "not-it", "new_password": "another-long-passphrase"},
            format="json",
        )
        assert wrong.json()["codes"] == {"current_password": ["wrong_password"]}
    for _ in range(2):
        wrong = browser.post(
            "/auth/reauthenticate/",
            {"password": PASSWORD, "code": wrong_code(secret)},
            format="json",
        )
        assert wrong.json()["codes"] == {"code": ["invalid_code"]}
    TOTPDevice.objects.filter(user=user).update(last_used_step=None)

    locked = browser.post(
        "/auth/reauthenticate/", {"password": PASSWORD, "code": code_now(secret)}, format="json"
    )

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert locked.json()["code"] == "reauthentication_locked"
    assert int(locked["Retry-After"]) > 0
    assert SecurityEvent.objects.filter(user=user, type="mfa_failed").count() == 2
