"""Passkeys through the API: a software authenticator plays the browser and its device."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from conftest import BrowserClient
from mfa.models import Passkey, RecoveryCode
from mfa.tests.authenticator import SoftwareAuthenticator, b64url
from mfa.tests.conftest import WEB_ORIGIN
from mfa.tests.helpers import (
    add_passkey_via_api,
    age_session_proof,
    reauthenticate_with_passkey,
)

pytestmark = pytest.mark.django_db


def test_the_first_passkey_comes_with_recovery_codes_and_the_next_without(logged_in, authenticator):
    first = add_passkey_via_api(logged_in, authenticator, name="Laptop")
    # The session proved a password only; the user has a factor now, and it is asked for.
    reauthenticate_with_passkey(logged_in, authenticator)
    second = add_passkey_via_api(logged_in, SoftwareAuthenticator(), name="Phone")

    assert set(first) == {"id", "name", "created", "last_used", "recovery_codes"}
    assert (first["name"], first["last_used"]) == ("Laptop", None)
    assert len(first["recovery_codes"]) == 10
    assert set(second) == {"id", "name", "created", "last_used"}
    listed = logged_in.get("/auth/passkeys/").json()
    assert [(p["id"], p["name"], p["created"]) for p in listed] == [
        (first["id"], "Laptop", first["created"]),
        (second["id"], "Phone", second["created"]),
    ]
    assert listed[0]["last_used"] is not None  # it proved the step-up in between
    assert logged_in.get("/auth/mfa/").json()["passkeys"] == listed


def test_creation_options_exclude_the_users_passkeys(logged_in, authenticator):
    add_passkey_via_api(logged_in, authenticator)
    reauthenticate_with_passkey(logged_in, authenticator)

    options = logged_in.post("/auth/passkeys/options/", format="json").json()

    assert [c["id"] for c in options["excludeCredentials"]] == [authenticator.credential_id_b64]
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["authenticatorSelection"]["residentKey"] == "required"


def _options(client: BrowserClient) -> dict[str, Any]:
    response = client.post("/auth/passkeys/options/", format="json")
    assert response.status_code == HTTPStatus.OK
    return dict(response.json())


def test_an_attestation_from_another_origin_is_refused(logged_in, authenticator):
    credential = authenticator.create(_options(logged_in), origin="https://evil.example.net")

    response = logged_in.post(
        "/auth/passkeys/", {"name": "x", "credential": credential}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {"credential": ["invalid_credential"]}
    assert not Passkey.objects.exists()


def test_a_replayed_attestation_is_refused(logged_in, authenticator):
    credential = authenticator.create(_options(logged_in), origin=WEB_ORIGIN)
    body = {"name": "x", "credential": credential}

    first = logged_in.post("/auth/passkeys/", body, format="json")
    replay = logged_in.post("/auth/passkeys/", body, format="json")

    assert first.status_code == HTTPStatus.CREATED
    assert replay.status_code == HTTPStatus.BAD_REQUEST
    assert replay.json()["codes"] == {"credential": ["invalid_credential"]}
    assert Passkey.objects.count() == 1


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"response": "x"},
        {"response": {"clientDataJSON": "!!!", "attestationObject": "AA"}},
        {"id": "x", "response": {"clientDataJSON": b64url(b"[]"), "attestationObject": "AA"}},
    ],
)
def test_a_malformed_attestation_gets_a_field_error(logged_in, credential):
    _options(logged_in)

    response = logged_in.post(
        "/auth/passkeys/", {"name": "x", "credential": credential}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {"credential": ["invalid_credential"]}


def test_an_attestation_without_user_verification_is_refused(logged_in):
    device = SoftwareAuthenticator(user_verification=False)
    credential = device.create(_options(logged_in), origin=WEB_ORIGIN)

    response = logged_in.post(
        "/auth/passkeys/", {"name": "x", "credential": credential}, format="json"
    )

    assert response.json()["codes"] == {"credential": ["invalid_credential"]}


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "blank"), ("a\tb", "control_characters"), ("\u202eevil", "control_characters"),
     ("x" * 101, "max_length"), (5, "invalid")],
)  # fmt: skip
def test_passkey_names_are_checked_before_the_challenge_is_spent(
    logged_in, authenticator, name, code
):
    credential = authenticator.create(_options(logged_in), origin=WEB_ORIGIN)

    refused = logged_in.post(
        "/auth/passkeys/", {"name": name, "credential": credential}, format="json"
    )
    accepted = logged_in.post(
        "/auth/passkeys/", {"name": "Laptop", "credential": credential}, format="json"
    )

    assert refused.json()["codes"] == {"name": [code]}
    assert accepted.status_code == HTTPStatus.CREATED


def test_a_passkey_is_renamed(logged_in, authenticator):
    created = add_passkey_via_api(logged_in, authenticator)

    response = logged_in.patch(
        f"/auth/passkeys/{created['id']}/", {"name": "  Work laptop "}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["name"] == "Work laptop"
    assert Passkey.objects.get().name == "Work laptop"


def test_another_users_passkey_is_answered_like_a_missing_one(logged_in, authenticator):
    someone = UserFactory.create()
    other = BrowserClient()
    other.log_in(someone.email)
    theirs = add_passkey_via_api(other, authenticator)["id"]
    missing = theirs + 1000

    answers = {
        passkey_id: (
            logged_in.patch(f"/auth/passkeys/{passkey_id}/", {"name": "mine"}, format="json"),
            logged_in.delete(f"/auth/passkeys/{passkey_id}/"),
        )
        for passkey_id in (theirs, missing)
    }

    for rename, removal in answers.values():
        assert rename.status_code == removal.status_code == HTTPStatus.NOT_FOUND
        assert rename.json() == removal.json() == {"detail": "Not found.", "code": "not_found"}
    assert Passkey.objects.get(pk=theirs).name == "Laptop"


def test_an_id_too_large_for_the_database_is_not_found(logged_in):
    huge = "9" * 30

    assert logged_in.delete(f"/auth/passkeys/{huge}/").status_code == HTTPStatus.NOT_FOUND
    response = logged_in.patch(f"/auth/passkeys/{huge}/", {"name": "x"}, format="json")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_removing_the_last_passkey_removes_the_codes(logged_in, authenticator, user):
    created = add_passkey_via_api(logged_in, authenticator)
    assert RecoveryCode.objects.filter(user=user).count() == 10
    reauthenticate_with_passkey(logged_in, authenticator)

    response = logged_in.delete(f"/auth/passkeys/{created['id']}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Passkey.objects.exists()
    assert not RecoveryCode.objects.filter(user=user).exists()


def test_removing_a_passkey_needs_a_recent_proof(logged_in, authenticator):
    created = add_passkey_via_api(logged_in, authenticator)
    age_session_proof(logged_in)

    removal = logged_in.delete(f"/auth/passkeys/{created['id']}/")
    options = logged_in.post("/auth/passkeys/options/", format="json")
    rename = logged_in.patch(f"/auth/passkeys/{created['id']}/", {"name": "y"}, format="json")

    assert removal.status_code == options.status_code == HTTPStatus.UNAUTHORIZED
    assert removal.json()["code"] == "reauthentication_required"
    assert removal.json()["methods"] == ["password", "passkey", "recovery_code"]
    assert rename.status_code == HTTPStatus.OK  # renaming changes no factor
    assert Passkey.objects.exists()


def test_a_browser_signs_in_with_a_passkey_alone(logged_in, authenticator, user):
    add_passkey_via_api(logged_in, authenticator)
    browser = BrowserClient()
    browser.fetch_csrf_token()

    options = browser.post("/auth/passkeys/login/options/", format="json").json()
    response = browser.post(
        "/auth/passkeys/login/",
        {"credential": authenticator.get(options, origin=WEB_ORIGIN)},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["user"]["id"] == user.pk
    browser.credentials(HTTP_X_CSRFTOKEN=response.json()["csrf_token"])
    assert browser.get("/auth/me/").json()["id"] == user.pk
    assert browser.get("/auth/passkeys/").json()[0]["last_used"] is not None


def test_an_app_registers_a_passkey_with_its_own_origin(user, authenticator):
    from accounts.security.tokens import issue_token
    from mfa.tests.conftest import APP_ORIGIN

    _token, secret = issue_token(user=user, name="android")
    app = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    options = app.post("/auth/passkeys/options/", format="json").json()

    response = app.post(
        "/auth/passkeys/",
        {"name": "Pixel", "credential": authenticator.create(options, origin=APP_ORIGIN)},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED, response.content
