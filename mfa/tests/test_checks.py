"""The relying-party settings are checked at startup."""

from __future__ import annotations

import pytest

from mfa.app_settings import app_settings
from mfa.checks import check_relying_party


def _ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_the_defaults_are_the_host_and_origin_of_the_front_end(settings):
    settings.ACCOUNTS_WEBAUTHN_RP_ID = ""
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = []
    settings.FRONTEND_URL = "https://app.example.com:8443/budget"

    assert app_settings.WEBAUTHN_RP_ID == "app.example.com"
    assert app_settings.WEBAUTHN_ORIGINS == ["https://app.example.com:8443"]
    assert check_relying_party(None) == []


def test_the_relying_party_name_defaults_to_the_issuer(settings):
    settings.ACCOUNTS_WEBAUTHN_RP_NAME = ""
    settings.ACCOUNTS_MFA_ISSUER = "Budget"

    assert app_settings.WEBAUTHN_RP_NAME == "Budget"


def test_the_settings_pass_with_a_parent_domain_and_an_app_origin():
    assert check_relying_party(None) == []  # example.com, app.example.com, android:...


def test_without_a_front_end_the_defaults_are_the_host_and_origin_of_the_service(settings):
    settings.ACCOUNTS_WEBAUTHN_RP_ID = ""
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = []
    settings.FRONTEND_URL = ""
    settings.SITE_URL = "https://accounts.example.com"

    assert app_settings.WEBAUTHN_RP_ID == "accounts.example.com"
    assert app_settings.WEBAUTHN_ORIGINS == ["https://accounts.example.com"]
    assert check_relying_party(None) == []


def test_the_development_default_is_a_localhost_relying_party(settings):
    settings.ACCOUNTS_WEBAUTHN_RP_ID = ""
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = []
    settings.FRONTEND_URL = ""
    settings.SITE_URL = "http://localhost:8000"

    assert app_settings.WEBAUTHN_ORIGINS == ["http://localhost:8000"]
    assert check_relying_party(None) == []


def test_without_any_site_or_explicit_settings_the_check_fails(settings):
    settings.ACCOUNTS_WEBAUTHN_RP_ID = ""
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = []
    settings.FRONTEND_URL = ""
    settings.SITE_URL = ""

    assert _ids(check_relying_party(None)) == ["mfa.E001"]


@pytest.mark.parametrize("rp_id", ["https://example.com", "example.com:443", "Example.com"])
def test_an_rp_id_that_is_not_a_host_name_fails(settings, rp_id):
    settings.ACCOUNTS_WEBAUTHN_RP_ID = rp_id

    assert _ids(check_relying_party(None)) == ["mfa.E002"]


def test_an_origin_outside_the_rp_id_fails(settings):
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = [
        "https://app.example.com",
        "https://example.com.evil.test",
    ]

    assert _ids(check_relying_party(None)) == ["mfa.E003"]


def test_a_plain_http_origin_fails_unless_it_is_localhost(settings):
    settings.DEBUG = False
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = ["http://app.example.com"]
    assert _ids(check_relying_party(None)) == ["mfa.E004"]

    settings.ACCOUNTS_WEBAUTHN_RP_ID = "localhost"
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = ["http://localhost:3000"]
    assert check_relying_party(None) == []


def test_a_development_server_on_a_plain_http_name_starts_with_a_warning(settings):
    """Every page but passkeys works there; refusing to start would help nobody."""
    settings.DEBUG = True
    settings.ACCOUNTS_WEBAUTHN_RP_ID = "devbox.lan"
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = ["http://devbox.lan:8000"]
    assert _ids(check_relying_party(None)) == ["mfa.W004"]
