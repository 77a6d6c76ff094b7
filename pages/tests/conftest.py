"""Fixtures of the account pages' tests: a browser-like client that signs in through the page."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.conftest import mailbox  # noqa: F401  (the real SMTP server fixture)
from accounts.tests.factories import PASSWORD, UserFactory


class PageClient(Client):
    """Django's test client, posting forms the way a browser does (CSRF checked)."""

    def __init__(self, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)

    def csrf_token(self, path: str = "/account/login/") -> str:
        """The token of the form on ``path``, as the browser reads it from the page."""
        html = self.get(path).content.decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, html
        return match.group(1)

    def submit(self, path: str, data: dict[str, str], *, page: str | None = None, **extra):
        """POST ``data`` to ``path`` with the CSRF token of the form shown at ``page``."""
        token = self.csrf_token(page or path)
        return self.post(path, {"csrfmiddlewaretoken": token, **data}, **extra)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        response = self.submit("/account/login/", {"email": email, "password": password})
        assert response.status_code == 302, response.content.decode()


@pytest.fixture
def browser() -> PageClient:
    return PageClient()


@pytest.fixture
def member(db: None) -> User:
    """An account that finished onboarding."""
    return UserFactory.create(status=User.Status.ACTIVE, email_verified=True)


@pytest.fixture
def signed_in(browser: PageClient, member: User) -> PageClient:
    browser.sign_in(member.email)
    return browser


def text_of(response) -> str:
    """The visible text of a page, tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _plain(html: str) -> str:
    """Text of an error item, without its "Error:" prefix for screen readers."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_errors(response, name: str) -> list[str]:
    """The errors shown under the field ``name`` (its ``id_<name>_error`` list)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="field-errors" id="id_{name}_error">(.*?)</ul>', html, re.S)
    if match is None:
        return []
    return [_plain(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def form_errors(response) -> list[str]:
    """The errors shown above a form (``role="alert"``)."""
    html = response.content.decode()
    blocks = re.findall(r'<div class="alert" role="alert">(.*?)</div>', html, re.S)
    return [
        _plain(item)
        for block in blocks
        for item in re.findall(r"<(?:li|p)>(.*?)</(?:li|p)>", block, re.S)
    ]
