"""Where emailed links lead: the product's front end when it has one, else our own pages."""

from __future__ import annotations

from http import HTTPStatus

from rest_framework.test import APIClient

from accounts.tests.conftest import text_part
from accounts.tests.factories import PASSWORD, UserFactory


def _register(email: str) -> None:
    response = APIClient().post("/auth/", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == HTTPStatus.CREATED


def test_without_a_front_end_links_open_the_services_own_pages(mailbox, settings):
    settings.FRONTEND_URL = ""
    settings.SITE_URL = "https://accounts.example.com"
    _register("ann@example.com")

    text = text_part(mailbox.deliver_one("ann@example.com"))

    assert "https://accounts.example.com/account/verify-email/?key=" in text


def test_with_a_front_end_links_open_the_front_end(mailbox, settings):
    settings.FRONTEND_URL = "https://app.example.com"
    settings.SITE_URL = "https://accounts.example.com"
    _register("ann@example.com")

    text = text_part(mailbox.deliver_one("ann@example.com"))

    assert "https://app.example.com/verify-email?key=" in text
    assert "accounts.example.com" not in text


def test_the_password_changed_notice_links_to_the_reset_page(mailbox, settings):
    settings.FRONTEND_URL = ""
    settings.SITE_URL = "https://accounts.example.com"
    user = UserFactory.create()
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/auth/change_password/",
        {"current_password": PASSWORD, "new_password": "a-new-long-passphrase"},
        format="json",
    )
    assert response.status_code == HTTPStatus.OK

    text = text_part(mailbox.deliver_one(user.email))

    assert text.split()[text.split().index("now:") + 1] == (
        "https://accounts.example.com/account/reset-password/"
    )


def test_the_email_change_notice_links_to_the_account(mailbox, settings):
    settings.FRONTEND_URL = ""
    settings.SITE_URL = "https://accounts.example.com"
    user = UserFactory.create()
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/auth/change_email/",
        {"new_email": "new@example.com", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == HTTPStatus.ACCEPTED

    delivered = {message["To"]: message for message in mailbox.run_worker()}

    assert "https://accounts.example.com/account/confirm-email/?key=" in text_part(
        delivered["new@example.com"]
    )
    notice = text_part(delivered[user.email]).split()
    assert notice[notice.index("now:") + 1] == "https://accounts.example.com/account/"
