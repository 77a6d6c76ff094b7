"""The OpenAPI document and the offline Swagger UI."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.django_db

SEED_PATHS = {
    "/auth/": {"post"},
    "/auth/login/": {"post"},
    "/auth/logout/": {"get", "post"},
    "/auth/me/": {"get"},
    "/auth/update_profile/": {"patch"},
    "/auth/csrf/": {"get"},
    "/health/live/": {"get"},
    "/health/ready/": {"get"},
}

SECOND_FACTOR_PATHS = {
    "/auth/mfa/": {"get"},
    "/auth/mfa/totp/": {"post", "delete"},
    "/auth/mfa/totp/confirm/": {"post"},
    "/auth/mfa/recovery_codes/": {"post"},
    "/auth/mfa/authenticate/": {"post"},
    "/auth/mfa/authenticate/options/": {"post"},
    "/auth/passkeys/": {"get", "post"},
    "/auth/passkeys/options/": {"post"},
    "/auth/passkeys/{id}/": {"patch", "delete"},
    "/auth/passkeys/login/": {"post"},
    "/auth/passkeys/login/options/": {"post"},
    "/auth/reauthenticate/": {"post"},
    "/auth/reauthenticate/options/": {"post"},
}

#: Every code a client of the second factors branches on, and where the schema says so.
SECOND_FACTOR_CODES = {
    ("/auth/login/", "post", "401"): ["mfa_required"],
    ("/auth/tokens/", "post", "401"): ["mfa_required"],
    ("/auth/mfa/authenticate/", "post", "400"): [
        "invalid_code", "invalid_credential", "challenge_expired",
    ],
    ("/auth/mfa/authenticate/", "post", "401"): ["invalid_mfa_token"],
    ("/auth/mfa/authenticate/", "post", "429"): ["locked_out"],
    ("/auth/mfa/totp/", "post", "401"): ["reauthentication_required"],
    ("/auth/mfa/totp/", "post", "409"): ["totp_already_enabled"],
    ("/auth/mfa/totp/", "delete", "404"): ["totp_not_enabled"],
    ("/auth/mfa/totp/confirm/", "post", "400"): ["invalid_code", "totp_setup_expired"],
    ("/auth/mfa/recovery_codes/", "post", "409"): ["second_factor_needed"],
    ("/auth/passkeys/", "post", "400"): ["invalid_credential", "challenge_expired"],
    ("/auth/passkeys/{id}/", "delete", "401"): ["reauthentication_required"],
    ("/auth/passkeys/{id}/", "delete", "404"): ["not_found"],
    ("/auth/reauthenticate/", "post", "400"): ["wrong_password", "mfa_required", "invalid_code"],
    ("/auth/reauthenticate/", "post", "429"): ["reauthentication_locked"],
    ("/auth/change_password/", "post", "401"): ["reauthentication_required"],
    ("/auth/export/", "get", "401"): ["reauthentication_required"],
}  # fmt: skip


def _schema(client) -> dict[str, Any]:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == HTTPStatus.OK
    return dict(yaml.safe_load(response.content))


def test_the_schema_documents_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    assert response.status_code == HTTPStatus.OK
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path, methods in SEED_PATHS.items():
        assert methods <= set(schema["paths"][path]), path


def test_the_docs_page_loads_its_assets_from_the_service(client):
    response = client.get("/api/docs/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == HTTPStatus.OK
    assert "cdn" not in html.lower()


def test_the_schema_documents_the_second_factor_endpoints_and_their_errors(client):
    schema = _schema(client)

    for path, methods in SECOND_FACTOR_PATHS.items():
        assert methods <= set(schema["paths"][path]), path
        for method in methods:
            operation = schema["paths"][path][method]
            assert operation["summary"], (path, method)
            assert any(status.startswith("2") for status in operation["responses"]), path
    missing = [
        (path, method, status, code)
        for (path, method, status), codes in SECOND_FACTOR_CODES.items()
        for code in codes
        if f"`{code}`" not in schema["paths"][path][method]["responses"][status]["description"]
    ]
    assert missing == []


def test_the_factor_summary_and_passkeys_have_their_shapes(client):
    components = _schema(client)["components"]["schemas"]

    assert set(components["MfaSummary"]["properties"]) == {"totp", "recovery_codes", "passkeys"}
    assert set(components["Passkey"]["properties"]) == {"id", "name", "created", "last_used"}
    assert set(components["TotpSetup"]["properties"]) == {"secret", "otpauth_uri", "qr_svg"}
    assert set(components["PasskeyCreateInputRequest"]["required"]) == {"name", "credential"}
