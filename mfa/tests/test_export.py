"""The data export describes the user's second factors and never holds one of their secrets."""

from __future__ import annotations

import base64
import json
from http import HTTPStatus

import pytest

from mfa.models import Passkey, PasskeyUser, RecoveryCode, TOTPDevice
from mfa.tests.helpers import add_passkey_via_api, enrol_totp_via_api, sign_in_with_code

pytestmark = pytest.mark.django_db


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_the_export_lists_factors_metadata_but_no_secret(user, logged_in, authenticator):
    secret, codes = enrol_totp_via_api(logged_in)
    browser = sign_in_with_code(user, secret)
    add_passkey_via_api(browser, authenticator, name="Laptop")

    response = browser.get("/auth/export/")

    assert response.status_code == HTTPStatus.OK
    document = response.json()
    factors = document["second_factors"]
    assert factors == browser.get("/auth/mfa/").json()
    assert factors["totp"]["enabled"] is True
    assert factors["recovery_codes"] == {"total": 10, "unused": 10}
    assert [(p["name"], p["last_used"]) for p in factors["passkeys"]] == [("Laptop", None)]
    raw = json.dumps(document)
    passkey = Passkey.objects.get()
    device = TOTPDevice.objects.get()
    never = [
        secret,
        bytes(device.encrypted_secret).hex(),
        _b64(bytes(device.encrypted_secret)),
        _b64(bytes(passkey.credential_id)),
        _b64(bytes(passkey.public_key)),
        _b64(bytes(PasskeyUser.objects.get().handle)),
        *codes,
        *RecoveryCode.objects.values_list("digest", flat=True),
    ]
    assert [value for value in never if value in raw] == []


def test_a_user_without_factors_exports_empty_ones(logged_in):
    document = logged_in.get("/auth/export/").json()

    assert document["second_factors"] == {
        "totp": {"enabled": False, "created": None},
        "recovery_codes": {"total": 0, "unused": 0},
        "passkeys": [],
    }
