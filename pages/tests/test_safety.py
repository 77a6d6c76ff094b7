"""What every page tells the browser: its CSP and headers, its language, nothing inline."""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve

from accounts.messages import LINK_PATHS
from pages.tests.conftest import text_of
from pages.views import account, links

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/account/login/",
    "/account/register/",
    "/account/register/sent/",
    "/account/reset-password/",
    "/account/reset-password/sent/",
    "/account/reset-password/?uid=MQ&token=abc",
    "/account/verify-email/?key=abc",
    "/account/confirm-email/?key=abc",
    "/account/deleted/",
]
SIGNED_IN_PAGES = [
    "/account/",
    "/account/security/",
    "/account/logout/",
    "/account/reauthenticate/",
]
PASSKEY_SCRIPTS = {
    '<script src="/static/accounts/webauthn.js" defer>',
    '<script src="/static/pages/passkey.js" defer>',
}


def _assert_safe_page(response) -> None:
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert (
        "'unsafe-inline'"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    # No inline script (only the passkey scripts, files of the service), no inline
    # style or handler, nothing from another site.
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert html.count("<script") == len(scripts)
    assert all(body == "" for body in scripts)
    assert set(re.findall(r"<script\b[^>]*>", html)) <= PASSKEY_SCRIPTS
    assert not re.search(r"\son\w+=", html)
    assert " style=" not in html
    assert not re.search(r"(src|href)=\"https?://", html)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_anonymous_page_carries_the_csp_and_frame_denial(browser, path):
    response = browser.get(path)

    assert response.status_code == HTTPStatus.OK
    _assert_safe_page(response)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_every_signed_in_page_carries_the_csp_and_frame_denial(signed_in, path):
    response = signed_in.get(path)

    assert response.status_code == HTTPStatus.OK
    _assert_safe_page(response)


@pytest.mark.parametrize(
    ("accept", "lang", "direction"), [("en", "en", "ltr"), ("ar-EG,ar;q=0.9", "ar", "rtl")]
)
def test_anonymous_pages_speak_the_browsers_language(browser, accept, lang, direction):
    html = browser.get("/account/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()

    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_an_unknown_address_under_account_is_a_page_and_elsewhere_json(browser):
    page = browser.get("/account/no-such-page/")
    api = browser.get("/no-such-endpoint/")

    assert page.status_code == api.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in text_of(page)
    _assert_safe_page(page)
    assert api.json()["code"] == "not_found"


def test_the_passkey_scripts_are_served_by_the_service(browser):
    html = browser.get("/account/login/").content.decode()
    assert all(tag in html for tag in PASSKEY_SCRIPTS)

    pages_script = browser.get("/static/pages/passkey.js")
    webauthn = browser.get("/static/accounts/webauthn.js")

    assert pages_script.status_code == webauthn.status_code == HTTPStatus.OK
    assert "accountsWebAuthn" in b"".join(pages_script.streaming_content).decode()
    assert "navigator.credentials" in b"".join(webauthn.streaming_content).decode()


def test_the_stylesheet_is_served_by_the_service(browser):
    html = browser.get("/account/login/").content.decode()
    found = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert found is not None
    href = found.group(1)

    response = browser.get(href)

    assert response.status_code == HTTPStatus.OK
    assert "inset-inline-start" in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    ("page", "view"),
    [
        ("verify_email", links.verify_email_page),
        ("reset_password", links.reset_password),
        ("confirm_email", links.confirm_email_page),
        ("home", account.profile),
    ],
)
def test_every_emailed_link_without_a_front_end_opens_one_of_these_pages(page, view):
    assert resolve(urlsplit(LINK_PATHS[page][1]).path).func is view
