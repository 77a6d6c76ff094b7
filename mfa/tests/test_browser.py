"""Passkeys end to end in a real browser: Debian's Chromium with a virtual authenticator.

The service runs for real (pytest-django's ``live_server``); Chromium, driven by
Playwright, opens one of its pages and calls the API from it with ``fetch`` and
``navigator.credentials``, as the browser app will. The authenticator is Chrome
DevTools' virtual one (CTAP2, a platform authenticator with user verification), so the
attestation and assertions are the browser's own, not the test's. The account pages'
own script (``pages/static/pages/passkey.js``) is driven in ``pages/tests/test_browser_factors.py``.

Chromium comes from Debian (``apt-get install chromium``); Playwright never downloads
a browser here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import Page

from accounts.models import AuthToken, SecurityEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from core.tests.chromium import add_virtual_authenticator, chromium
from mfa.models import Passkey

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# What the browser app does, written once: JSON calls with the CSRF token, and the
# WebAuthn Level 3 JSON helpers between the API's options and navigator.credentials.
API_JS = """() => {
window.api = async (method, path, body) => {
  const csrf = document.cookie.split('; ').find(c => c.startsWith('csrftoken='));
  const headers = {'Content-Type': 'application/json'};
  if (csrf) headers['X-CSRFToken'] = csrf.split('=')[1];
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {status: response.status, body: text ? JSON.parse(text) : null};
};
window.createPasskey = async (options) => {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  return (await navigator.credentials.create({publicKey})).toJSON();
};
window.getPasskey = async (options) => {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  return (await navigator.credentials.get({publicKey})).toJSON();
};
}"""


@pytest.fixture
def page(live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A page of the running service, in Chromium with a virtual platform authenticator."""
    # Playwright's sync API keeps an event loop in this thread, which makes Django
    # refuse the test's own ORM reads; the server runs in its own thread regardless.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    origin = live_server.url
    settings.ACCOUNTS_WEBAUTHN_RP_ID = urlsplit(origin).hostname
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = [origin]
    with chromium() as browser:
        try:
            page = browser.new_page()
            add_virtual_authenticator(page)
            page.goto(f"{origin}/api/docs/")
            page.evaluate(API_JS)
            yield page
        finally:
            # The test's own queries ran in Playwright's context, on a connection of
            # their own: close it, or the test database cannot be dropped at the end.
            connections.close_all()


def call(page: Page, method: str, path: str, body: object = None) -> dict[str, Any]:
    """One API call from the page; returns ``{"status", "body"}``."""
    script = "([m, p, b]) => window.api(m, p, b === null ? undefined : b)"
    result: dict[str, Any] = page.evaluate(script, [method, path, body])
    return result


def register_passkey(page: Page, email: str) -> dict[str, Any]:
    """Sign in with the password and add a passkey, as a person would from the app."""
    assert call(page, "GET", "/auth/csrf/")["status"] == 200
    signed_in = call(page, "POST", "/auth/login/", {"email": email, "password": PASSWORD})
    assert signed_in["status"] == 200, signed_in
    options = call(page, "POST", "/auth/passkeys/options/")
    assert options["status"] == 200, options
    credential = page.evaluate("(o) => window.createPasskey(o)", options["body"])
    created = call(page, "POST", "/auth/passkeys/", {"name": "Chromium", "credential": credential})
    assert created["status"] == 201, created
    body: dict[str, Any] = created["body"]
    return body


def test_a_browser_registers_a_passkey_and_signs_in_with_it_alone(page):
    user = UserFactory.create()

    created = register_passkey(page, user.email)
    assert call(page, "POST", "/auth/logout/")["status"] == 200
    assert call(page, "GET", "/auth/me/")["status"] == 401
    call(page, "GET", "/auth/csrf/")
    options = call(page, "POST", "/auth/passkeys/login/options/")
    assert options["status"] == 200, options
    assertion = page.evaluate("(o) => window.getPasskey(o)", options["body"])
    signed_in = call(page, "POST", "/auth/passkeys/login/", {"credential": assertion})

    assert created["name"] == "Chromium"
    assert len(created["recovery_codes"]) == 10
    assert options["body"]["allowCredentials"] == []  # discoverable: no user named
    assert signed_in["status"] == 200, signed_in
    assert signed_in["body"]["user"]["email"] == user.email
    assert call(page, "GET", "/auth/me/")["body"]["id"] == user.pk
    passkey = Passkey.objects.get(user=user)
    assert passkey.last_used is not None
    assert "internal" in passkey.transports
    assert list(
        SecurityEvent.objects.filter(user=user, type__in=["passkey_added", "login"])
        .order_by("pk")
        .values_list("type", flat=True)
    ) == ["login", "passkey_added", "login"]


def test_a_passkey_from_the_browser_gets_a_token_and_answers_a_second_step(page):
    user = UserFactory.create()
    register_passkey(page, user.email)
    call(page, "POST", "/auth/logout/")
    call(page, "GET", "/auth/csrf/")

    options = call(page, "POST", "/auth/passkeys/login/options/")
    assertion = page.evaluate("(o) => window.getPasskey(o)", options["body"])
    token = call(
        page, "POST", "/auth/passkeys/login/", {"credential": assertion, "token_name": "cli"}
    )
    first = call(page, "POST", "/auth/login/", {"email": user.email, "password": PASSWORD})
    step_options = call(
        page, "POST", "/auth/mfa/authenticate/options/", {"mfa_token": first["body"]["mfa_token"]}
    )
    second_assertion = page.evaluate("(o) => window.getPasskey(o)", step_options["body"])
    second = call(
        page,
        "POST",
        "/auth/mfa/authenticate/",
        {"mfa_token": first["body"]["mfa_token"], "credential": second_assertion},
    )

    assert token["status"] == 201, token
    assert AuthToken.objects.get(user=user).name == "cli"
    assert first["status"] == 401
    assert first["body"]["methods"] == ["passkey", "recovery_code"]
    assert second["status"] == 200, second
    assert call(page, "GET", "/auth/me/")["body"]["id"] == user.pk


def test_staff_answer_the_admins_second_step_with_a_passkey(page, live_server):
    staff = User.objects.create_superuser("boss@example.com", PASSWORD)
    register_passkey(page, staff.email)
    call(page, "POST", "/auth/logout/")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/accounts/user/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{live_server.url}/admin/accounts/user/")

    assert (
        page.get_by_role("link", name="Log out").count()
        + page.get_by_role("button", name="Log out").count()
        == 1
    )
    assert SecurityEvent.objects.filter(user=staff, type="login").count() == 2
