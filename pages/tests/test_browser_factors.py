"""Second factors in a real browser: an authenticator app, then a passkey, in English and Arabic.

The journey of ``test_browser.py`` goes on with what a careful person adds next: an
authenticator app (the test reads the secret from the page and computes the code, as
the app would), a sign-in with the password and a code, a passkey made by Chrome
DevTools' virtual authenticator (CTAP2, platform, user verification) through the
pages' own script, and a sign-in with the passkey alone. Every new page is checked with
axe-core at the width of the run, and photographed at both widths.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ViewportSize, expect

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.tests.chromium import add_virtual_authenticator, chromium
from mfa import totp
from mfa.models import Passkey, TOTPDevice
from mfa.tests.helpers import steady_time
from pages.tests.browser import DESKTOP, PHONE, Camera, new_context, off_loop
from pages.tests.test_browser import Person, camera, site  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def passkey_site(site: str, settings: Any) -> str:  # noqa: F811  (the fixture above)
    """The live service as the relying party of its own pages' passkeys."""
    settings.ACCOUNTS_WEBAUTHN_RP_ID = urlsplit(site).hostname
    settings.ACCOUNTS_WEBAUTHN_ORIGINS = [site]
    return site


def next_code(secret: str) -> str:
    """The code of the next 30-second step: later than any code used before it, still accepted."""
    return totp.code_at(secret, steady_time() + totp.STEP_SECONDS)


@pytest.mark.parametrize(
    ("language", "viewport"),
    [("en", DESKTOP), ("ar", PHONE)],
    ids=["english-desktop", "arabic-360"],
)
def test_a_person_adds_an_app_and_a_passkey_and_signs_in_with_each(
    passkey_site: str,
    camera: Camera,  # noqa: F811
    language: str,
    viewport: ViewportSize,
) -> None:
    here = passkey_site
    email = f"careful-{language}@example.com"
    off_loop(
        lambda: UserFactory.create(
            email=email, status=User.Status.ACTIVE, email_verified=True, language=language
        )
    )
    with chromium() as browser:
        context = new_context(browser, language=language, viewport=viewport)
        lea = Person(context, language)
        page, words = lea.page, lea.words
        add_virtual_authenticator(page)

        # Signed in with the password, she sets up an authenticator app.
        lea.signs_in(here, email)
        lea.sees_page("profile")
        page.get_by_role("link", name=words["security"], exact=True).click()
        lea.sees_page("security")
        lea.press("set_up_app", within="app_section")
        lea.sees_page("set_up_app")
        camera.shoot(page, "totp-setup", language)
        secret = page.locator("#totp-secret").inner_text().strip()
        lea.fill("app_code", totp.code_at(secret, steady_time()))
        lea.press("turn_on")
        lea.sees_page("save_codes")
        codes = page.get_by_role("list", name=WORDS_CODES[language]).get_by_role("listitem")
        expect(codes).to_have_count(10)
        camera.shoot(page, "recovery-codes", language)
        page.get_by_role("link", name=words["saved_codes"]).click()
        lea.sees_page("security")
        assert off_loop(
            lambda: TOTPDevice.objects.filter(user__email=email, confirmed=True).count()
        )

        # Signed out, she signs in with the password, then a code of the app.
        page.get_by_role("navigation").get_by_role("button", name=words["sign_out"]).click()
        lea.sees_page("sign_in")
        lea.signs_in(here, email)
        lea.sees_page("confirm_you")
        camera.shoot(page, "second-step", language)
        lea.fill("app_code", next_code(secret))
        page.keyboard.press("Enter")  # the code's form works by keyboard alone
        lea.sees_page("profile")

        # A passkey, named, made by the browser through the page's script.
        page.get_by_role("link", name=words["security"], exact=True).click()
        lea.fill("passkey_name", "Chromium", within="passkeys_section")
        lea.press("add_passkey", within="passkeys_section")
        lea.sees("passkey_added")
        lea.sees_page("security")
        camera.shoot(page, "security-factors", language)
        assert off_loop(lambda: list(Passkey.objects.values_list("name", flat=True))) == [
            "Chromium"
        ]

        # The step-up page: the passkey alone renews the proof.
        page.goto(f"{here}/account/reauthenticate/")
        lea.sees_page("confirm_you")
        camera.shoot(page, "reauthenticate", language)
        lea.press("use_passkey")
        lea.sees_page("security")

        # Signed out, the passkey alone signs her in: no email, no password.
        page.get_by_role("navigation").get_by_role("button", name=words["sign_out"]).click()
        lea.sees_page("sign_in")
        camera.shoot(page, "login-passkey", language)
        lea.press("passkey_sign_in")
        lea.sees_page("profile")
        used = off_loop(lambda: Passkey.objects.get(name="Chromium").last_used)
        assert used is not None

        assert lea.watcher.problems == []


WORDS_CODES = {"en": "Recovery codes", "ar": "رموز الاسترداد"}
