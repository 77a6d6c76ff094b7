"""Fixtures of the second-factor tests: a relying party and software authenticators."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from mfa.tests.authenticator import SoftwareAuthenticator

RP_ID = "example.com"
WEB_ORIGIN = "https://app.example.com"
# How an Android app's passkey requests name their origin: the hash of its signing key.
APP_ORIGIN = "android:apk-key-hash:p8GvkH3CqvKhcuaFMmSaRbBE4Qx8vODK0OwbIbbo2Cg"


@pytest.fixture(autouse=True)
def relying_party(settings: Settings) -> None:
    settings.ACCOUNTS_WEBAUTHN_RP_ID = RP_ID
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = [WEB_ORIGIN, APP_ORIGIN]
    settings.ACCOUNTS_WEBAUTHN_RP_NAME = "Budget"
    settings.ACCOUNTS_MFA_ISSUER = "Budget"


@pytest.fixture
def authenticator() -> SoftwareAuthenticator:
    return SoftwareAuthenticator()


# The real mail server and worker of the accounts tests (aiosmtpd on loopback).
from accounts.tests.conftest import mailbox  # noqa: E402, F401
