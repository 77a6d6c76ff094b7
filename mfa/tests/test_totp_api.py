"""Authenticator apps and recovery codes through the API, with real codes (RFC 6238)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import AuthToken
from accounts.security.tokens import issue_token
from accounts.tests.factories import PASSWORD
from conftest import BrowserClient
from mfa import recovery_codes
from mfa.errors import InvalidCode
from mfa.models import TOTPDevice
from mfa.tests.helpers import (
    code_before,
    code_now,
    enrol_totp_via_api,
    sign_in_with_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db


def test_a_new_user_has_no_second_factor(logged_in):
    response = logged_in.get("/auth/mfa/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "totp": {"enabled": False, "created": None},
        "recovery_codes": {"total": 0, "unused": 0},
        "passkeys": [],
    }


def test_enrolling_an_app_shows_the_secret_once_and_confirming_gives_ten_codes(logged_in, user):
    setup = logged_in.post("/auth/mfa/totp/", format="json")

    assert setup.status_code == HTTPStatus.OK
    body = setup.json()
    assert set(body) == {"secret", "otpauth_uri", "qr_svg"}
    assert body["otpauth_uri"].startswith("otpauth://totp/Budget:")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    assert body["qr_svg"].startswith("<svg")
    pending = logged_in.get("/auth/mfa/").json()["totp"]
    assert pending == {"enabled": False, "created": None}

    confirm = logged_in.post(
        "/auth/mfa/totp/confirm/", {"code": code_now(body["secret"])}, format="json"
    )

    assert confirm.status_code == HTTPStatus.OK
    codes = confirm.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    summary = logged_in.get("/auth/mfa/").json()
    assert summary["totp"]["enabled"] is True
    assert summary["totp"]["created"].endswith("Z")
    assert summary["recovery_codes"] == {"total": 10, "unused": 10}
    stored = TOTPDevice.objects.get(user=user)
    assert body["secret"].encode() not in bytes(stored.encrypted_secret)


def test_a_wrong_code_is_refused_and_the_setup_stays_pending(logged_in):
    secret = logged_in.post("/auth/mfa/totp/", format="json").json()["secret"]
    wrong = wrong_code(secret)

    refused = logged_in.post("/auth/mfa/totp/confirm/", {"code": wrong}, format="json")
    accepted = logged_in.post("/auth/mfa/totp/confirm/", {"code": code_now(secret)}, format="json")

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["codes"] == {"code": ["invalid_code"]}
    assert accepted.status_code == HTTPStatus.OK


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1" * 65, 123456, None])
def test_malformed_codes_get_a_field_error(logged_in, code):
    logged_in.post("/auth/mfa/totp/", format="json")

    response = logged_in.post("/auth/mfa/totp/confirm/", {"code": code}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["codes"]) == {"code"}


def test_confirming_with_nothing_pending_or_too_late_says_the_setup_expired(logged_in, user):
    nothing = logged_in.post("/auth/mfa/totp/confirm/", {"code": "123456"}, format="json")
    secret = logged_in.post("/auth/mfa/totp/", format="json").json()["secret"]
    started = TOTPDevice.objects.get(user=user).created
    TOTPDevice.objects.filter(user=user).update(created=started - timedelta(minutes=11))
    late = logged_in.post("/auth/mfa/totp/confirm/", {"code": code_now(secret)}, format="json")

    for response in (nothing, late):
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["codes"] == {"code": ["totp_setup_expired"]}


def test_after_enrolling_the_next_change_asks_for_the_new_factor(logged_in):
    enrol_totp_via_api(logged_in)

    response = logged_in.post("/auth/mfa/recovery_codes/", format="json")

    # The session's proof is a password alone: a user with a factor needs it too.
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {
        "detail": "Confirm it is you to continue.",
        "code": "reauthentication_required",
        "methods": ["password", "totp", "recovery_code"],
    }


def test_a_second_app_is_refused_with_409_after_the_second_factor(user, logged_in):
    secret, _codes = enrol_totp_via_api(logged_in)
    browser = sign_in_with_code(user, secret)

    response = browser.post("/auth/mfa/totp/", format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {
        "detail": "An authenticator app is already set up.",
        "code": "totp_already_enabled",
    }


def test_an_app_enrolled_through_the_api_signs_in_a_browser_and_an_app(user, logged_in):
    secret, _codes = enrol_totp_via_api(logged_in)

    browser = sign_in_with_code(user, secret)
    phone = APIClient(HTTP_USER_AGENT="Budget/2.0 (iPhone)")
    first = phone.post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "phone"}, format="json"
    )
    assert first.json()["methods"] == ["totp", "recovery_code"]
    # The browser used the current step's code: the app's next sign-in waits for the
    # next step, as a person would see the app's next code.
    reused = phone.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": first.json()["mfa_token"], "code": code_now(secret)},
        format="json",
    )

    assert browser.get("/auth/me/").json()["id"] == user.pk
    assert reused.status_code == HTTPStatus.BAD_REQUEST
    assert reused.json()["codes"] == {"code": ["invalid_code"]}
    TOTPDevice.objects.filter(user=user).update(last_used_step=None)  # as 30 s later
    token = phone.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": first.json()["mfa_token"], "code": code_now(secret)},
        format="json",
    )
    assert token.status_code == HTTPStatus.CREATED, token.content
    bearer = APIClient(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert bearer.get("/auth/me/").json()["id"] == user.pk
    assert AuthToken.objects.get().second_factor_at is not None


def test_each_recovery_code_signs_in_once(user, logged_in):
    _secret, codes = enrol_totp_via_api(logged_in)

    for code in codes:
        browser = BrowserClient()
        browser.fetch_csrf_token()
        first = browser.post(
            "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
        )
        second = browser.post(
            "/auth/mfa/authenticate/",
            {"mfa_token": first.json()["mfa_token"], "recovery_code": code.upper()},
            format="json",
        )
        assert second.status_code == HTTPStatus.OK, second.content

    assert logged_in.get("/auth/mfa/").json()["recovery_codes"] == {"total": 10, "unused": 0}
    for code in codes:
        with pytest.raises(InvalidCode):
            recovery_codes.use_code(user=user, code=code)


def test_new_recovery_codes_void_the_old_set(user, logged_in):
    secret, old = enrol_totp_via_api(logged_in)
    browser = sign_in_with_code(user, secret)

    response = browser.post("/auth/mfa/recovery_codes/", format="json")

    assert response.status_code == HTTPStatus.OK
    new = response.json()["recovery_codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    with pytest.raises(InvalidCode):
        recovery_codes.use_code(user=user, code=old[0])
    recovery_codes.use_code(user=user, code=new[0])


def test_recovery_codes_without_another_factor_are_refused_with_409(logged_in):
    response = logged_in.post("/auth/mfa/recovery_codes/", format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["code"] == "second_factor_needed"


def test_turning_the_last_app_off_removes_the_codes_and_the_second_step(user, logged_in):
    secret, _codes = enrol_totp_via_api(logged_in)
    browser = sign_in_with_code(user, secret)

    response = browser.delete("/auth/mfa/totp/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert browser.get("/auth/mfa/").json() == {
        "totp": {"enabled": False, "created": None},
        "recovery_codes": {"total": 0, "unused": 0},
        "passkeys": [],
    }
    assert BrowserClient().log_in(user.email)["user"]["id"] == user.pk
    again = browser.delete("/auth/mfa/totp/")
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert again.json()["code"] == "totp_not_enabled"


def test_factor_endpoints_need_a_signed_in_user(db):
    anonymous = APIClient()

    for method, path in [
        ("get", "/auth/mfa/"),
        ("post", "/auth/mfa/totp/"),
        ("delete", "/auth/mfa/totp/"),
        ("post", "/auth/mfa/totp/confirm/"),
        ("post", "/auth/mfa/recovery_codes/"),
        ("get", "/auth/passkeys/"),
        ("post", "/auth/passkeys/"),
        ("post", "/auth/passkeys/options/"),
        ("patch", "/auth/passkeys/1/"),
        ("delete", "/auth/passkeys/1/"),
    ]:
        response = getattr(anonymous, method)(path, {}, format="json")
        assert response.status_code == HTTPStatus.UNAUTHORIZED, path
        assert response.json()["code"] == "not_authenticated"


def test_unknown_methods_are_405(logged_in):
    assert logged_in.put("/auth/mfa/totp/", {}, format="json").status_code == 405
    assert logged_in.get("/auth/mfa/totp/").status_code == 405
    assert logged_in.put("/auth/passkeys/1/", {}, format="json").status_code == 405


@pytest.mark.parametrize(("path", "queries"), [("/auth/mfa/", 4), ("/auth/passkeys/", 2)])
def test_reading_the_factors_costs_a_fixed_number_of_queries(
    user, logged_in, django_assert_num_queries, path, queries
):
    enrol_totp_via_api(logged_in)
    _token, secret = issue_token(user=user, name="cli")
    app = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    app.get("/auth/me/")  # the first use records last_used

    # The token with its user; then the app, the code counts, the passkeys (or the list).
    with django_assert_num_queries(queries):
        response = app.get(path)

    assert response.status_code == HTTPStatus.OK


def test_codes_of_the_previous_step_are_accepted_once(user, logged_in):
    secret, _codes = enrol_totp_via_api(logged_in)
    TOTPDevice.objects.filter(user=user).update(last_used_step=None)

    browser = BrowserClient()
    browser.fetch_csrf_token()
    first = browser.post("/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    drifted = browser.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": first.json()["mfa_token"], "code": code_before(secret)},
        format="json",
    )

    assert drifted.status_code == HTTPStatus.OK
