"""The Django admin for users."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from accounts.models import User
from accounts.security.tokens import find_token, issue_token
from accounts.tests.factories import UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(settings) -> Client:
    # These tests are about the admin's lists and forms; its sign-in rules (a second
    # factor required of staff) are tested with the second factors (mfa/tests).
    settings.ACCOUNTS_ADMIN_REQUIRE_MFA = False
    admin = User.objects.create_superuser("boss@example.com", "a-strong-admin-password")
    client = Client()
    client.force_login(admin)
    return client


def test_admin_lists_searches_and_filters_users(admin_client):
    UserFactory.create(email="mona@example.com", first_name="Mona", currency="USD", status="Active")
    UserFactory.create(email="omar@example.com", first_name="Omar")

    listing = admin_client.get("/admin/accounts/user/")
    search = admin_client.get("/admin/accounts/user/", {"q": "mona"})
    by_currency = admin_client.get("/admin/accounts/user/", {"currency": "USD"})
    by_status = admin_client.get("/admin/accounts/user/", {"status__exact": "Onboarding"})

    assert listing.status_code == HTTPStatus.OK
    assert b"omar@example.com" in listing.content
    assert b"mona@example.com" in search.content
    assert b"omar@" not in search.content
    assert b"mona@example.com" in by_currency.content
    assert b"omar@" not in by_currency.content
    assert b"omar@example.com" in by_status.content
    assert b"mona@" not in by_status.content


def test_admin_adds_a_user_by_email_and_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New@Example.com",
            "usable_password": "true",
            "password1": "a-strong-new-password",
            "password2": "a-strong-new-password",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    user = User.objects.get(email="new@example.com")
    assert user.check_password("a-strong-new-password")


def test_admin_change_page_renders(admin_client):
    user = UserFactory.create()

    response = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")

    assert response.status_code == HTTPStatus.OK


def test_disabling_password_sign_in_ends_the_users_sessions_and_tokens(admin_client):
    user = UserFactory.create()
    _token, secret = issue_token(user=user, name="phone")
    browser = BrowserClient()
    browser.log_in(user.email)

    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "false", "unset-password": "Disable password-based authentication"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.get(pk=user.pk).has_usable_password()
    assert find_token(secret) is None
    assert browser.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED
