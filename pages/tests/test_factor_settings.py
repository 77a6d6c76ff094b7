"""The security page's second factors and step-up: each change through the API's flow."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

import pytest

from accounts.models import SecurityEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from mfa.models import Passkey, RecoveryCode, TOTPDevice
from mfa.tests.authenticator import SoftwareAuthenticator
from mfa.tests.helpers import age_session_proof, code_now, wrong_code
from pages.tests.conftest import field_errors, form_errors, text_of
from pages.tests.test_second_factors import ORIGIN, enrol_app, enrol_passkey, options

pytestmark = pytest.mark.django_db

PAGE = "/account/security/"
REAUTH = "/account/reauthenticate/"


@pytest.fixture(autouse=True)
def relying_party(settings: Any) -> None:
    settings.ACCOUNTS_WEBAUTHN_RP_ID = "testserver"
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = [ORIGIN]


def secret_on(response) -> str:
    match = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def test_setting_up_an_app_shows_the_qr_code_and_the_secret_then_the_codes_once(signed_in, member):
    started = signed_in.submit("/account/security/totp/", {}, page=PAGE)
    assert started["Location"] == "/account/security/totp/"
    setup = signed_in.get("/account/security/totp/")
    secret = secret_on(setup)
    assert 'src="data:image/svg+xml;base64,' in setup.content.decode()

    wrong = signed_in.submit(
        "/account/security/totp/confirm/", {"code": wrong_code(secret)}, page=PAGE
    )
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(wrong, "code") == ["The code is not correct, or it was already used."]
    assert secret_on(wrong) == secret  # the same setup, shown again

    done = signed_in.submit(
        "/account/security/totp/confirm/", {"code": code_now(secret)}, page=PAGE
    )

    assert done.status_code == HTTPStatus.OK
    assert len(done.context["codes"]) == 10
    assert "Save your recovery codes" in text_of(done)
    assert TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    assert SecurityEvent.objects.filter(user=member, type="mfa_enabled").count() == 1
    page = text_of(signed_in.get(PAGE))
    assert "Your authenticator app is on." in page
    assert "Codes left: 10 of 10." in page


def test_an_expired_setup_is_said_and_asked_again(signed_in, member):
    signed_in.submit("/account/security/totp/", {}, page=PAGE)
    TOTPDevice.objects.filter(user=member).update(created="2000-01-01T00:00:00Z")

    late = signed_in.submit("/account/security/totp/confirm/", {"code": "123456"}, page=PAGE)

    assert late["Location"] == f"{PAGE}#authenticator-app"
    assert "Start the authenticator app setup again" in text_of(signed_in.get(PAGE))


def test_removing_the_app_without_a_recent_proof_asks_to_confirm_it_is_you(signed_in, member):
    secret, _codes = enrol_app(member)
    age_session_proof(signed_in)

    refused = signed_in.submit("/account/security/totp/remove/", {}, page=PAGE)

    assert refused.status_code == HTTPStatus.FOUND
    assert refused["Location"] == f"{REAUTH}?next=%2Faccount%2Fsecurity%2F%23authenticator-app"
    assert TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    page = signed_in.get(refused["Location"])
    assert "Code from your authenticator app" in text_of(page)

    # The password alone is not enough for a user with a second factor.
    half = signed_in.submit(REAUTH, {"password": PASSWORD, "next": "/account/security/"})
    assert half.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(half, "code") == [
        "Enter a code from your authenticator app or a recovery code."
    ]
    proved = signed_in.submit(
        REAUTH, {"password": PASSWORD, "code": code_now(secret), "next": "/account/security/"}
    )
    assert proved["Location"] == "/account/security/"
    removed = signed_in.submit("/account/security/totp/remove/", {}, page=PAGE)
    assert removed["Location"] == f"{PAGE}#authenticator-app"
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not RecoveryCode.objects.filter(user=member).exists()  # no factor left to back up


def test_a_wrong_password_at_reauthentication_is_refused_on_its_field(signed_in, member):
    age_session_proof(signed_in)

    wrong = signed_in.submit(REAUTH, {"password": "not-it"})

    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(wrong, "password") == ["The password is not correct."]


def test_the_export_needs_a_recent_proof_and_comes_after_it(signed_in, member):
    age_session_proof(signed_in)

    asked = signed_in.get("/account/security/export/")
    assert asked["Location"] == f"{REAUTH}?next=%2Faccount%2Fsecurity%2Fexport%2F"
    proved = signed_in.submit(REAUTH, {"password": PASSWORD, "next": "/account/security/export/"})
    exported = signed_in.get(proved["Location"])

    assert exported.status_code == HTTPStatus.OK
    assert json.loads(exported.content)["profile"]["email"] == member.email


def test_a_password_change_with_a_stale_second_factor_asks_to_confirm_it_is_you(signed_in, member):
    enrol_app(member)
    age_session_proof(signed_in)

    refused = signed_in.submit(
        "/account/security/password/",
        {"password-current_password": PASSWORD, "password-new_password": "a-fresh-passphrase"},
        page=PAGE,
    )

    assert refused["Location"].startswith(REAUTH)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_new_recovery_codes_are_shown_once_and_the_old_ones_stop(signed_in, member):
    secret, old = enrol_app(member)
    # Signed in with the password alone, before the app: now a code is needed too.
    assert signed_in.submit("/account/security/recovery-codes/", {}, page=PAGE).status_code == 302
    signed_in.submit(REAUTH, {"password": PASSWORD, "code": code_now(secret)})

    fresh = signed_in.submit("/account/security/recovery-codes/", {}, page=PAGE)

    assert fresh.status_code == HTTPStatus.OK
    assert "Your new recovery codes" in text_of(fresh)
    assert set(fresh.context["codes"]).isdisjoint(old)
    assert SecurityEvent.objects.filter(user=member, type="recovery_codes_regenerated").exists()


def test_new_recovery_codes_without_a_factor_are_refused(signed_in, member):
    refused = signed_in.submit("/account/security/recovery-codes/", {}, page=PAGE)

    assert refused["Location"] == f"{PAGE}#recovery-codes"
    assert "Add an authenticator app or a passkey first" in text_of(signed_in.get(PAGE))


def test_a_passkey_is_added_with_a_name_listed_and_removed(signed_in, member):
    authenticator = SoftwareAuthenticator()
    got = options(signed_in, "/account/security/passkeys/options/", PAGE)
    credential = authenticator.create(got.json(), origin=ORIGIN)

    added = signed_in.submit(
        "/account/security/passkeys/",
        {"passkey-name": "Work laptop", "passkey-credential": json.dumps(credential)},
        page=PAGE,
    )

    assert added.status_code == HTTPStatus.OK  # a first factor: its recovery codes, once
    assert len(added.context["codes"]) == 10
    passkey = Passkey.objects.get(user=member)
    page = text_of(signed_in.get(PAGE))
    assert "Work laptop" in page
    assert "Never" in page
    # Signed in with the password alone: removing it needs a second factor's proof.
    got = options(signed_in, "/account/reauthenticate/options/", REAUTH)
    proof = json.dumps(authenticator.get(got.json(), origin=ORIGIN))
    signed_in.submit(REAUTH, {"credential": proof})
    removed = signed_in.submit(f"/account/security/passkeys/{passkey.pk}/remove/", {}, page=PAGE)
    assert removed["Location"] == f"{PAGE}#passkeys"
    assert not Passkey.objects.filter(user=member).exists()
    assert SecurityEvent.objects.filter(user=member, type="passkey_removed").exists()


def test_a_passkey_without_a_name_is_refused_on_its_field(signed_in, member):
    got = options(signed_in, "/account/security/passkeys/options/", PAGE)
    credential = SoftwareAuthenticator().create(got.json(), origin=ORIGIN)

    refused = signed_in.submit(
        "/account/security/passkeys/",
        {"passkey-name": "  ", "passkey-credential": json.dumps(credential)},
        page=PAGE,
    )

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(refused, "passkey-name") == [
        "Give the passkey a name of at most 100 characters, without control characters."
    ]
    assert not Passkey.objects.exists()


def test_a_passkey_answer_that_does_not_verify_is_said_above_the_form(signed_in, member):
    refused = signed_in.submit(
        "/account/security/passkeys/",
        {"passkey-name": "Phone", "passkey-credential": "{}"},
        page=PAGE,
    )

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "The passkey could not be verified." in form_errors(refused)


def test_passkey_options_without_a_recent_proof_say_where_to_confirm(signed_in, member):
    age_session_proof(signed_in)

    got = options(signed_in, "/account/security/passkeys/options/", PAGE)

    assert got.status_code == HTTPStatus.UNAUTHORIZED
    assert got.json()["code"] == "reauthentication_required"
    assert got.json()["location"].startswith(REAUTH)


def test_another_users_passkey_is_not_found(signed_in, member):
    other = UserFactory.create(status=User.Status.ACTIVE)
    theirs = enrol_passkey(other, SoftwareAuthenticator())

    refused = signed_in.submit(f"/account/security/passkeys/{theirs}/remove/", {}, page=PAGE)
    huge = signed_in.submit(f"/account/security/passkeys/{2**64}/remove/", {}, page=PAGE)

    assert refused.status_code == huge.status_code == HTTPStatus.NOT_FOUND
    assert Passkey.objects.filter(pk=theirs).exists()


def test_removing_a_passkey_without_a_recent_proof_is_refused(signed_in, member):
    passkey = enrol_passkey(member, SoftwareAuthenticator())
    age_session_proof(signed_in)

    refused = signed_in.submit(f"/account/security/passkeys/{passkey}/remove/", {}, page=PAGE)

    assert refused["Location"].startswith(REAUTH)
    assert Passkey.objects.filter(pk=passkey).exists()


def test_a_passkey_alone_renews_the_proof(signed_in, member):
    authenticator = SoftwareAuthenticator()
    enrol_passkey(member, authenticator)
    age_session_proof(signed_in)

    got = options(signed_in, "/account/reauthenticate/options/", REAUTH)
    credential = authenticator.get(got.json(), origin=ORIGIN)
    proved = signed_in.submit(
        REAUTH, {"credential": json.dumps(credential), "next": f"{PAGE}#passkeys"}
    )

    assert proved["Location"] == f"{PAGE}#passkeys"
    again = signed_in.submit("/account/security/recovery-codes/", {}, page=PAGE)
    assert again.status_code == HTTPStatus.OK


def test_every_factor_change_refuses_a_post_without_its_csrf_token(signed_in, member):
    enrol_app(member)
    for path in [
        "/account/security/totp/",
        "/account/security/totp/confirm/",
        "/account/security/totp/remove/",
        "/account/security/recovery-codes/",
        "/account/security/passkeys/options/",
        "/account/security/passkeys/",
        "/account/security/passkeys/1/remove/",
        REAUTH,
    ]:
        assert signed_in.post(path, {}).status_code == HTTPStatus.FORBIDDEN, path
    assert TOTPDevice.objects.filter(user=member, confirmed=True).exists()


def test_the_factor_pages_need_a_signed_in_user(browser, db):
    for path in ["/account/security/totp/", REAUTH]:
        response = browser.get(path)
        assert response["Location"].startswith("/account/login/?next="), path
