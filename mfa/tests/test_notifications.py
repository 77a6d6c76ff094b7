"""Every change of factors is a security event and an email to the account's address.

Real SMTP (aiosmtpd on loopback) and the real task worker, as in production.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from accounts.models import SecurityEvent, User
from accounts.tests.conftest import html_part, text_part
from accounts.tests.factories import UserFactory
from conftest import BrowserClient
from mfa.tests.helpers import (
    add_passkey_via_api,
    enrol_totp_via_api,
    reauthenticate_with_passkey,
    sign_in_with_code,
)

pytestmark = pytest.mark.django_db(transaction=True)


def events(user: User) -> list[str]:
    return list(
        SecurityEvent.objects.filter(user=user)
        .exclude(type__in=["login", "logout"])
        .order_by("created", "pk")
        .values_list("type", flat=True)
    )


def test_each_factor_change_is_recorded_and_emailed(mailbox, authenticator):
    user = UserFactory.create()
    browser = BrowserClient()
    browser.log_in(user.email)
    secret, _codes = enrol_totp_via_api(browser)
    enabled = mailbox.deliver_one(user.email)

    browser = sign_in_with_code(user, secret)
    browser.post("/auth/mfa/recovery_codes/", format="json")
    regenerated = mailbox.deliver_one(user.email)
    passkey = add_passkey_via_api(browser, authenticator, name="Ann's <laptop>")
    added = mailbox.deliver_one(user.email)
    browser.delete("/auth/mfa/totp/")
    disabled = mailbox.deliver_one(user.email)
    reauthenticate_with_passkey(browser, authenticator)
    response = browser.delete(f"/auth/passkeys/{passkey['id']}/")
    removed = mailbox.deliver_one(user.email)

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert events(user) == [
        "mfa_enabled",
        "recovery_codes_regenerated",
        "passkey_added",
        "mfa_disabled",
        "passkey_removed",
    ]
    assert [m["Subject"] for m in (enabled, regenerated, added, disabled, removed)] == [
        "An authenticator app was added to your account",
        "New recovery codes were made for your account",
        "A passkey was added to your account",
        "The authenticator app was removed from your account",
        "A passkey was removed from your account",
    ]
    assert "asks for a code from the authenticator app" in text_part(enabled)
    assert "previous set no longer work" in text_part(regenerated)
    assert "Ann's <laptop>" in text_part(added)
    assert "Ann&#x27;s &lt;laptop&gt;" in html_part(added)
    # A passkey was left when the app went; nothing was left when the passkey went.
    assert "password alone is enough" not in text_part(disabled)
    assert "password alone is enough" in text_part(removed)
    for message in (enabled, regenerated, added, disabled, removed):
        assert "reset your password now" in text_part(message)
        assert secret not in text_part(message)


def test_the_email_is_in_the_users_language(mailbox):
    user = UserFactory.create(language="ar")
    browser = BrowserClient()
    browser.log_in(user.email)

    enrol_totp_via_api(browser)
    message = mailbox.deliver_one(user.email)

    assert message["Content-Language"] == "ar"
    assert message["Subject"] != "An authenticator app was added to your account"
    assert 'dir="rtl"' in html_part(message)
