"""Signing in with a second factor, through the API: the password step, then the second.

Codes are computed with the same algorithm as an authenticator app; passkeys answer
with a software authenticator (a P-256 key signing the challenge), as an app would.
"""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import AuthToken, PendingSignIn, SecurityEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient
from mfa import passkeys, recovery_codes, totp
from mfa.tests.authenticator import SoftwareAuthenticator
from mfa.tests.conftest import APP_ORIGIN

pytestmark = pytest.mark.django_db


def enrol_totp(user: User) -> str:
    setup = totp.start_setup(user=user)
    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, time.time() - 30))
    return setup.secret


def current_code(secret: str) -> str:
    return totp.code_at(secret, time.time())


def password_step(client: BrowserClient, user: User) -> dict[str, Any]:
    client.fetch_csrf_token()
    response = client.post(
        "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED, response.content
    body: dict[str, Any] = response.json()
    return body


def test_the_password_step_asks_for_the_second_factor_and_starts_nothing(client):
    user = UserFactory.create()
    enrol_totp(user)

    body = password_step(client, user)

    assert body["code"] == "mfa_required"
    assert body["methods"] == ["totp"]
    assert len(body["mfa_token"]) >= 40
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED
    assert not SecurityEvent.objects.filter(type="login").exists()


def test_a_wrong_password_says_nothing_of_a_second_factor(client):
    user = UserFactory.create()
    enrol_totp(user)
    client.fetch_csrf_token()

    response = client.post("/auth/login/", {"email": user.email, "password": "nope"}, format="json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"message": "Invalid credentials", "code": "invalid_credentials"}


def test_the_code_completes_the_session_login_exactly_as_a_plain_login_answers(client):
    user = UserFactory.create()
    secret = enrol_totp(user)
    mfa_token = password_step(client, user)["mfa_token"]

    response = client.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": mfa_token, "code": current_code(secret)},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"message", "user", "csrf_token"}
    assert body["user"]["id"] == user.pk
    client.credentials(HTTP_X_CSRFTOKEN=body["csrf_token"])
    assert client.get("/auth/me/").json()["id"] == user.pk


def test_the_same_code_is_refused_the_second_time(client):
    user = UserFactory.create()
    secret = enrol_totp(user)
    code = current_code(secret)
    first = password_step(client, user)["mfa_token"]
    client.post("/auth/mfa/authenticate/", {"mfa_token": first, "code": code}, format="json")
    other = BrowserClient()

    second = password_step(other, user)["mfa_token"]
    response = other.post(
        "/auth/mfa/authenticate/", {"mfa_token": second, "code": code}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {"code": ["invalid_code"]}


def test_a_token_creation_finishes_with_the_token_for_a_non_browser_client():
    user = UserFactory.create()
    secret = enrol_totp(user)
    app = APIClient(HTTP_USER_AGENT="Budget/2.0 (iPhone)")
    first = app.post(
        "/auth/tokens/",
        {"email": user.email, "password": PASSWORD, "name": "phone"},
        format="json",
    )
    assert first.json()["code"] == "mfa_required"

    response = app.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": first.json()["mfa_token"], "code": current_code(secret)},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED
    assert set(response.json()) == {"id", "name", "token", "created", "expires"}
    token = AuthToken.objects.get()
    assert (token.name, token.second_factor_at is not None) == ("phone", True)


def test_the_mfa_token_is_bound_to_the_client_that_got_it():
    user = UserFactory.create()
    secret = enrol_totp(user)
    app = APIClient(HTTP_USER_AGENT="Budget/2.0 (iPhone)")
    mfa_token = app.post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "x"}, format="json"
    ).json()["mfa_token"]
    thief = APIClient(HTTP_USER_AGENT="curl/8.0")

    response = thief.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": mfa_token, "code": current_code(secret)},
        format="json",
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "invalid_mfa_token"


def test_five_wrong_codes_void_the_token_and_count_as_failed_logins(client):
    user = UserFactory.create()
    secret = enrol_totp(user)
    mfa_token = password_step(client, user)["mfa_token"]

    answers = [
        client.post(
            "/auth/mfa/authenticate/", {"mfa_token": mfa_token, "code": "000000"}, format="json"
        ).json()["code" if n == 4 else "codes"]
        for n in range(5)
    ]
    late = client.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": mfa_token, "code": current_code(secret)},
        format="json",
    )

    assert answers[:4] == [{"code": ["invalid_code"]}] * 4
    assert answers[4] == "invalid_mfa_token"
    assert late.json()["code"] in {"invalid_mfa_token", "locked_out"}
    assert PendingSignIn.objects.count() == 0
    assert SecurityEvent.objects.filter(type="mfa_failed", user=user).count() == 5
    # The email is locked like after five wrong passwords, the right one included.
    again = client.post("/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    assert again.json()["code"] == "locked_out"


def test_each_recovery_code_works_once(client):
    user = UserFactory.create()
    enrol_totp(user)
    codes = recovery_codes.generate_codes(user=user)

    for code in codes[:2]:
        visitor = BrowserClient()
        mfa_token = password_step(visitor, user)["mfa_token"]
        ok = visitor.post(
            "/auth/mfa/authenticate/",
            {"mfa_token": mfa_token, "recovery_code": code},
            format="json",
        )
        assert ok.status_code == HTTPStatus.OK
    reuse = BrowserClient()
    mfa_token = password_step(reuse, user)["mfa_token"]
    response = reuse.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": mfa_token, "recovery_code": codes[0]},
        format="json",
    )

    assert response.json()["codes"] == {"recovery_code": ["invalid_code"]}


def register_passkey(user: User, authenticator: SoftwareAuthenticator) -> None:
    options = passkeys.registration_options(user=user)
    passkeys.register_passkey(
        user=user, credential=authenticator.create(options, origin=APP_ORIGIN), name="phone"
    )


def test_an_app_signs_in_with_a_passkey_alone_and_gets_a_token(authenticator):
    user = UserFactory.create()
    register_passkey(user, authenticator)
    app = APIClient(HTTP_USER_AGENT="Budget/2.0 (Android)")

    options = app.post("/auth/passkeys/login/options/", format="json").json()
    assertion = authenticator.get(options, origin=APP_ORIGIN)
    response = app.post(
        "/auth/passkeys/login/",
        {"credential": assertion, "token_name": "android"},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED, response.content
    secret = response.json()["token"]
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/auth/me/")
    assert me.json()["id"] == user.pk


def test_a_passkey_answers_the_second_step(authenticator):
    user = UserFactory.create()
    register_passkey(user, authenticator)
    app = APIClient(HTTP_USER_AGENT="Budget/2.0 (Android)")
    first = app.post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "x"}, format="json"
    ).json()
    assert first["methods"] == ["passkey"]

    options = app.post(
        "/auth/mfa/authenticate/options/", {"mfa_token": first["mfa_token"]}, format="json"
    ).json()
    response = app.post(
        "/auth/mfa/authenticate/",
        {
            "mfa_token": first["mfa_token"],
            "credential": authenticator.get(options, origin=APP_ORIGIN),
        },
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED, response.content


def test_a_password_reset_leaves_the_second_factor_in_place(client):
    from accounts.security import keys

    user = UserFactory.create()
    secret = enrol_totp(user)
    response = APIClient().post(
        "/auth/reset_password_confirm/",
        {
            "uid": keys.make_reset_uid(user),
            "token": keys.make_reset_token(user),
            "new_password": "a-brand-new-passphrase",
        },
        format="json",
    )
    assert response.status_code == HTTPStatus.OK

    client.fetch_csrf_token()
    again = client.post(
        "/auth/login/", {"email": user.email, "password": "a-brand-new-passphrase"}, format="json"
    )

    assert again.json()["code"] == "mfa_required"
    assert totp.is_enabled(user)
    assert secret
