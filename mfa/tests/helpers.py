"""What the API tests of second factors share: enrolling through the API, aging a proof."""

from __future__ import annotations

import time
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuthToken, User
from accounts.tests.factories import PASSWORD
from conftest import BrowserClient
from mfa import totp
from mfa.tests.authenticator import SoftwareAuthenticator
from mfa.tests.conftest import WEB_ORIGIN

#: Older than the 5-minute step-up window.
STALE = timedelta(minutes=6)


#: Seconds a code read by a test must stay in its step: enough for the requests that use it.
STEADY_SECONDS = 5


def steady_time() -> float:
    """Now, or the start of the next 30-second step when this one is about to end.

    The server checks a code a moment after the test computes it; a step that ends in
    between would turn "the previous step" into two steps back, and the test would fail
    by chance.
    """
    now = time.time()
    left = totp.STEP_SECONDS - now % totp.STEP_SECONDS
    if left < STEADY_SECONDS:
        time.sleep(left + 0.05)
        now = time.time()
    return now


def code_now(secret: str) -> str:
    """The code the authenticator app shows now."""
    return totp.code_at(secret, steady_time())


def code_before(secret: str) -> str:
    """The code of the previous 30-second step (still accepted: one step of drift)."""
    return totp.code_at(secret, steady_time() - totp.STEP_SECONDS)


def enrol_totp_via_api(client: APIClient) -> tuple[str, list[str]]:
    """Set up and confirm an app as a client would; return the secret and recovery codes.

    Confirms with the previous step's code, so the current one is still unused.
    """
    setup = client.post("/auth/mfa/totp/", format="json")
    assert setup.status_code == HTTPStatus.OK, setup.content
    secret = setup.json()["secret"]
    confirm = client.post("/auth/mfa/totp/confirm/", {"code": code_before(secret)}, format="json")
    assert confirm.status_code == HTTPStatus.OK, confirm.content
    codes: list[str] = confirm.json().get("recovery_codes", [])
    return secret, codes


def add_passkey_via_api(
    client: APIClient, authenticator: SoftwareAuthenticator, *, name: str = "Laptop"
) -> dict[str, Any]:
    """Register the authenticator's passkey as a browser on the web origin would."""
    options = client.post("/auth/passkeys/options/", format="json")
    assert options.status_code == HTTPStatus.OK, options.content
    credential = authenticator.create(options.json(), origin=WEB_ORIGIN)
    created = client.post(
        "/auth/passkeys/", {"name": name, "credential": credential}, format="json"
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    body: dict[str, Any] = created.json()
    return body


def age_session_proof(client: BrowserClient) -> None:
    """Make the session's last proof of identity older than the step-up window."""
    session = client.session
    for key in ("_auth_at", "_auth_2fa_at"):
        if key in session:
            session[key] -= STALE.total_seconds()
    session.save()


def age_token_proof(token: AuthToken) -> None:
    old = timezone.now() - STALE
    AuthToken.objects.filter(pk=token.pk).update(authenticated_at=old, second_factor_at=old)


def sign_in_with_code(user: User, secret: str) -> BrowserClient:
    """A new browser signed in with the password and a code of the app."""
    browser = BrowserClient()
    browser.fetch_csrf_token()
    first = browser.post("/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    assert first.json()["code"] == "mfa_required", first.content
    second = browser.post(
        "/auth/mfa/authenticate/",
        {"mfa_token": first.json()["mfa_token"], "code": code_now(secret)},
        format="json",
    )
    assert second.status_code == HTTPStatus.OK, second.content
    browser.credentials(HTTP_X_CSRFTOKEN=second.json()["csrf_token"])
    return browser


def reauthenticate_with_passkey(
    client: APIClient, authenticator: SoftwareAuthenticator, *, origin: str = WEB_ORIGIN
) -> None:
    """Renew the step-up proof of ``client`` with a passkey alone."""
    options = client.post("/auth/reauthenticate/options/", format="json")
    assert options.status_code == HTTPStatus.OK, options.content
    response = client.post(
        "/auth/reauthenticate/",
        {"credential": authenticator.get(options.json(), origin=origin)},
        format="json",
    )
    assert response.status_code == HTTPStatus.OK, response.content


def wrong_code(secret: str) -> str:
    """Six digits that no step within the drift window shows."""
    now = time.time()
    window = {totp.code_at(secret, now + offset) for offset in (-30, 0, 30)}
    return next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in window)
