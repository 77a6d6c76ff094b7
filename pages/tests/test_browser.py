"""The whole journey of a newcomer in a real browser, in English and in Arabic.

The service runs under pytest-django's live server, email goes through the real task
worker to a real SMTP server (aiosmtpd), and every link is opened from the email that
arrived. Fields are found by their label and buttons by their name, as a person finds
them; every page is checked with axe-core, and the browser must report no error (a
Content-Security-Policy refusal included).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

from accounts.models import User, UserSession
from accounts.tests.conftest import Mailbox, text_part
from accounts.tests.factories import PASSWORD, UserFactory
from core.tests.chromium import chromium
from pages.tests.browser import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Camera,
    Watcher,
    assert_accessible,
    new_context,
    off_loop,
    run_worker,
)
from pages.tests.words import WORDS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

OTHER_DEVICE = "OtherDevice/1.0 (a second browser)"
NEW_PASSWORD = "a-fresh-long-passphrase"


@pytest.fixture
def site(live_server: Any, mailbox: Mailbox, settings: Any) -> str:
    """The live service, linking its emails to its own pages, with a real mail server."""
    settings.SITE_URL = live_server.url
    settings.FRONTEND_URL = ""
    return str(live_server.url)


@pytest.fixture
def camera(tmp_path: Path) -> Camera:
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    return Camera(SCREENSHOTS if update else tmp_path / "screenshots")


class Person:
    """One person at one browser: reads, fills labelled fields, presses named buttons."""

    def __init__(self, context: BrowserContext, language: str) -> None:
        self.page: Page = context.new_page()
        self.watcher = Watcher(self.page)
        self.language = language
        self.words = WORDS[language]

    def sees_page(self, heading_key: str) -> None:
        """The page has this heading, speaks the person's language, fits and passes axe."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.words[heading_key])
        html = self.page.locator("html")
        expect(html).to_have_attribute("lang", self.language)
        expect(html).to_have_attribute("dir", "rtl" if self.language == "ar" else "ltr")
        # Nothing wider than the screen: no sideways scrolling, at 360 px too.
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{self.page.url} is {overflow}px wider than the screen"
        assert_accessible(self.page)

    def sees(self, key: str) -> None:
        expect(self.page.get_by_role("status")).to_contain_text(self.words[key])

    def fill(self, key: str, value: str, *, within: str | None = None) -> None:
        scope = self.page.get_by_role("region", name=self.words[within]) if within else self.page
        scope.get_by_label(self.words[key], exact=True).fill(value)

    def press(self, key: str, *, within: str | None = None) -> None:
        scope = self.page.get_by_role("region", name=self.words[within]) if within else self.page
        scope.get_by_role("button", name=self.words[key], exact=True).click()

    def signs_in(self, site: str, email: str, password: str = PASSWORD) -> None:
        self.page.goto(f"{site}/account/login/")
        self.fill("email", email)
        self.fill("password", password)
        self.page.get_by_role("main").get_by_role(
            "button", name=self.words["sign_in"], exact=True
        ).click()


def _delivered_link(mailbox: Mailbox, to: str, site: str, page: str) -> str:
    """Run the worker; the one message it delivers goes to ``to`` and holds one link."""
    before = len(mailbox.messages)
    run_worker()
    delivered = mailbox.messages[before:]
    assert [message["To"] for message in delivered] == [to]
    message = delivered[0]
    found = re.findall(rf"{re.escape(site)}{re.escape(page)}\?\S+", text_part(message))
    assert len(found) == 1, text_part(message)
    return str(found[0])


def _user(email: str) -> User | None:
    return off_loop(lambda: User.objects.filter(email=email).first())


@pytest.mark.parametrize(
    ("language", "viewport"),
    [("en", DESKTOP), ("ar", PHONE)],
    ids=["english-desktop", "arabic-360"],
)
def test_a_newcomer_goes_through_every_page_from_register_to_delete(
    site: str, mailbox: Mailbox, camera: Camera, language: str, viewport: ViewportSize
) -> None:
    email = f"newcomer-{language}@example.com"
    with chromium() as browser:
        context = new_context(browser, language=language, viewport=viewport)
        ann = Person(context, language)
        page, words = ann.page, ann.words

        # Register, in the language the browser asks for.
        page.goto(f"{site}/account/register/")
        ann.sees_page("create_account")
        camera.shoot(page, "register", language)
        ann.fill("email", email)
        ann.fill("password", PASSWORD)
        ann.press("create")
        ann.sees_page("check_email")

        # The verification link, from the email the worker sent, opens our page.
        link = _delivered_link(mailbox, email, site, "/account/verify-email/")
        page.goto(link)
        ann.sees_page("verify_title")
        assert not off_loop(lambda: User.objects.get(email=email).email_verified)  # GET only
        ann.press("verify")
        ann.sees_page("sign_in")
        ann.sees("verified")

        # Sign in; an account being set up is sent to onboarding.
        ann.signs_in(site, email)
        ann.sees_page("setup")
        camera.shoot(page, "onboarding", language)
        ann.fill("first_name", "Nour")
        ann.fill("last_name", "Haddad")
        page.get_by_label(words["currency"]).select_option("USD")
        ann.press("finish")
        ann.sees_page("profile")
        ann.sees("ready")
        user = _user(email)
        assert user is not None
        assert (user.status, user.currency, user.language) == ("Active", "USD", language)

        # Change the profile.
        ann.fill("first_name", "Noura")
        ann.press("save")
        ann.sees("saved")
        camera.shoot(page, "profile", language)

        # The language switch changes the stored language; switch back.
        page.get_by_role("button", name=words["other_language"]).click()
        other = "ar" if language == "en" else "en"
        expect(page.locator("html")).to_have_attribute("lang", other)
        assert _user(email).language == other  # type: ignore[union-attr]
        page.get_by_role("button", name=WORDS[other]["other_language"]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)

        # Sign out, by the button in the header.
        page.get_by_role("navigation").get_by_role(
            "button", name=words["sign_out"], exact=True
        ).click()
        ann.sees_page("sign_in")
        ann.sees("signed_out")
        camera.shoot(page, "login", language)

        # A second browser signs in too; the first signs in again and ends it.
        other_context = browser.new_context(
            user_agent=OTHER_DEVICE, locale=context_locale(language)
        )
        elsewhere = Person(other_context, language)
        elsewhere.signs_in(site, email)
        elsewhere.sees_page("profile")
        ann.signs_in(site, email)
        ann.sees_page("profile")
        page.get_by_role("link", name=words["security"], exact=True).click()
        ann.sees_page("security")
        camera.shoot(page, "security", language)
        sessions = page.get_by_role("region", name=words["sessions"])
        sessions.get_by_role("listitem").filter(has_text=OTHER_DEVICE).get_by_role(
            "button", name=words["end_session"]
        ).click()
        ann.sees("session_ended")
        assert off_loop(lambda: UserSession.objects.filter(user_agent=OTHER_DEVICE).count()) == 0
        elsewhere.page.reload()
        elsewhere.sees_page("sign_in")

        # Download the export: the API's document, about this account.
        with page.expect_download() as download:
            page.get_by_role("link", name=words["download"]).click()
        document = json.loads(Path(download.value.path()).read_text())
        assert document["profile"]["email"] == email
        assert document["profile"]["first_name"] == "Noura"

        # Delete the account with its password.
        ann.fill("password", PASSWORD, within="delete_section")
        ann.press("delete", within="delete_section")
        ann.sees_page("deleted")
        assert _user(email) is None

        assert ann.watcher.problems == []
        assert elsewhere.watcher.problems == []


def context_locale(language: str) -> str:
    return {"en": "en-GB", "ar": "ar-EG"}[language]


def test_a_forgotten_password_and_a_new_email_address_work_from_their_emails(
    site: str, mailbox: Mailbox
) -> None:
    email, new_email = "forgetful@example.com", "moved@example.com"
    off_loop(lambda: UserFactory.create(email=email, status=User.Status.ACTIVE))
    with chromium() as browser:
        sam = Person(new_context(browser, language="en", viewport=PHONE), "en")
        page = sam.page

        page.goto(f"{site}/account/login/")
        page.get_by_role("link", name="Forgot your password?").click()
        sam.sees_page("reset_title")
        sam.fill("email", email)
        sam.press("send_reset")
        sam.sees_page("check_email")
        expect(page.get_by_role("main")).to_contain_text(
            "If an account uses this address, a reset link is on its way."
        )

        page.goto(_delivered_link(mailbox, email, site, "/account/reset-password/"))
        sam.sees_page("new_password_title")
        sam.fill("new_password", "12345678")
        sam.press("set_password")
        field = page.get_by_label("New password", exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("This password is too common."))
        assert_accessible(page)
        sam.fill("new_password", NEW_PASSWORD)  # the refused attempt left the link usable
        sam.press("set_password")
        sam.sees_page("sign_in")
        expect(page.get_by_role("status")).to_contain_text("Your password was reset.")

        sam.signs_in(site, email, NEW_PASSWORD)
        sam.sees_page("profile")
        page.get_by_role("link", name="Security", exact=True).click()
        sam.fill("new_email", new_email, within="email_section")
        sam.fill("password", NEW_PASSWORD, within="email_section")
        sam.press("send_confirmation", within="email_section")
        expect(page.get_by_role("status")).to_contain_text("A confirmation link was sent")

        before = len(mailbox.messages)
        run_worker()
        delivered = {message["To"]: message for message in mailbox.messages[before:]}
        assert set(delivered) == {email, new_email}
        link = re.findall(
            rf"{re.escape(site)}/account/confirm-email/\?\S+", text_part(delivered[new_email])
        )
        page.goto(link[0])
        sam.sees_page("confirm_title")
        sam.press("confirm")
        sam.sees_page("profile")
        expect(page.get_by_role("status")).to_contain_text(
            f"Your email address is now {new_email}."
        )
        assert off_loop(lambda: User.objects.filter(email=new_email).exists())

        assert sam.watcher.problems == []


def test_the_pages_work_by_keyboard_with_a_visible_focus(site: str) -> None:
    off_loop(lambda: UserFactory.create(email="keys@example.com", status=User.Status.ACTIVE))
    with chromium() as browser:
        kim = Person(new_context(browser, language="en", viewport=DESKTOP), "en")
        page = kim.page
        page.goto(f"{site}/account/login/")

        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        assert (skip.bounding_box() or {"y": -1})["y"] >= 0  # shown once focused
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        email = page.get_by_label("Email address")
        expect(email).to_be_focused()
        outline = email.evaluate("element => getComputedStyle(element).outlineStyle")
        assert outline == "solid"
        page.keyboard.type("keys@example.com")
        page.keyboard.press("Tab")
        expect(page.get_by_label("Password", exact=True)).to_be_focused()
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")

        kim.sees_page("profile")
        assert kim.watcher.problems == []
