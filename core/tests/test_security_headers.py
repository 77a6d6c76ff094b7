"""Security headers and cookie flags: what a browser is told about each answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings

from accounts.tests.factories import PASSWORD
from config.env import BASE_DIR
from conftest import BrowserClient

pytestmark = pytest.mark.django_db

CSP = settings.CONTENT_SECURITY_POLICY


def test_api_docs_page_carries_a_csp_that_its_scripts_satisfy(client: BrowserClient) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == CSP
    assert "script-src 'self';" in CSP
    assert "frame-ancestors 'none'" in CSP
    html = response.content.decode()
    # Every script comes from the service itself, none is inline.
    assert "<script>" not in html
    assert '<script src="/api/docs/?script="></script>' in html
    assert "https://" not in html


def test_api_docs_start_up_script_is_served_as_javascript(client: BrowserClient) -> None:
    response = client.get("/api/docs/", {"script": ""})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/javascript")
    assert '"validatorUrl": null' in response.content.decode()


def test_admin_pages_carry_the_csp(client: BrowserClient) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/auth/me/", "/auth/csrf/", "/api/schema/"])
def test_json_answers_carry_nosniff_referrer_policy_and_frame_denial(
    client: BrowserClient, path: str
) -> None:
    response = client.get(path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in response


def test_session_cookie_is_http_only_same_site_lax_and_secure(user) -> None:
    client = BrowserClient()
    client.fetch_csrf_token()

    response = client.post(
        "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # The test settings are production's (DEBUG off), where SESSION_COOKIE_SECURE is on.
    assert settings.SESSION_COOKIE_SECURE is True
    assert cookie["secure"] is True
    csrf_cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["samesite"] == "Lax"
    assert csrf_cookie["secure"] is True


def test_session_cookie_is_not_secure_when_the_setting_is_off(user, settings) -> None:
    settings.SESSION_COOKIE_SECURE = False
    client = BrowserClient()
    client.fetch_csrf_token()

    response = client.post(
        "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] == ""
    assert cookie["httponly"] is True


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

response = Client().get("/health/live/", secure=True, HTTP_HOST="localhost")
insecure = Client().get("/auth/me/", HTTP_HOST="localhost")
print(json.dumps({
    "hsts": response.get("Strict-Transport-Security"),
    "redirect": [insecure.status_code, insecure.get("Location")],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
}))
"""


@pytest.mark.slow  # starts a Django process with production settings
def test_production_settings_send_hsts_and_secure_cookies() -> None:
    """Load the base settings as production does: DEBUG off and nothing else overridden."""
    overridden = {
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    }
    env = {key: value for key, value in os.environ.items() if key not in overridden}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="0",
        SECRET_KEY="production-like-" + "s" * 60,
    )

    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "redirect": [301, "https://localhost/auth/me/"],
        "session_cookie_secure": True,
        "csrf_cookie_secure": True,
        "session_cookie_httponly": True,
    }
