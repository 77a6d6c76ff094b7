"""The pages emailed links open: opening changes nothing, the button does, once."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import PendingEmailChange, User, UserSession
from accounts.security import keys
from accounts.tests.factories import PASSWORD, UserFactory
from pages.tests.conftest import PageClient, field_errors, form_errors, text_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase"
INVALID_LINK = ["This link is invalid or has expired."]


def _refresh(user: User) -> User:
    user.refresh_from_db()
    return user


# --- verify email ---------------------------------------------------------------------


def test_opening_the_verification_link_changes_nothing(browser):
    user = UserFactory.create()
    key = keys.make_verification_key(user)

    response = browser.get("/account/verify-email/", {"key": key})

    assert response.status_code == HTTPStatus.OK
    assert f'name="key" value="{key}"' in response.content.decode()
    assert not _refresh(user).email_verified


def test_the_button_verifies_the_address_without_a_session(browser):
    user = UserFactory.create()
    key = keys.make_verification_key(user)

    response = browser.submit(
        "/account/verify-email/", {"key": key}, page=f"/account/verify-email/?key={key}"
    )

    assert response["Location"] == "/account/login/"
    assert _refresh(user).email_verified
    assert "Your email address is verified." in text_of(browser.get("/account/login/"))


def test_a_used_verification_link_is_refused(browser):
    user = UserFactory.create()
    key = keys.make_verification_key(user)
    page = f"/account/verify-email/?key={key}"
    browser.submit("/account/verify-email/", {"key": key}, page=page)

    response = browser.submit("/account/verify-email/", {"key": key}, page=page)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK


@pytest.mark.parametrize("query", ["", "?key=", "?key=" + "x" * 600])
def test_a_link_without_its_key_is_an_invalid_link(browser, query):
    response = browser.get(f"/account/verify-email/{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK


def test_a_forged_key_is_refused(browser):
    response = browser.submit(
        "/account/verify-email/", {"key": "forged"}, page="/account/verify-email/?key=forged"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK


# --- password reset -------------------------------------------------------------------


def _reset_link(user: User) -> dict[str, str]:
    return {"uid": keys.make_reset_uid(user), "token": keys.make_reset_token(user)}


def _reset_page(link: dict[str, str]) -> str:
    return f"/account/reset-password/?uid={link['uid']}&token={link['token']}"


def test_the_reset_request_says_the_same_for_every_address(browser):
    user = UserFactory.create()

    known = browser.submit("/account/reset-password/", {"email": user.email})
    unknown = browser.submit("/account/reset-password/", {"email": "nobody@example.com"})

    assert known["Location"] == unknown["Location"] == "/account/reset-password/sent/"
    assert "If an account uses this address, a reset link is on its way." in text_of(
        browser.get(known["Location"])
    )


def test_reset_requests_for_one_email_share_the_apis_limit(browser):
    api = APIClient()
    for n in range(4):
        api.post(
            "/auth/reset_password/",
            {"email": "nobody@example.com"},
            format="json",
            REMOTE_ADDR=f"10.0.0.{n}",
        )
    assert (
        browser.submit("/account/reset-password/", {"email": "nobody@example.com"}).status_code
        == HTTPStatus.FOUND
    )

    response = browser.submit("/account/reset-password/", {"email": "NOBODY@example.com"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) >= 1
    assert "Too many requests." in text_of(response)


def test_the_reset_link_sets_the_new_password_and_ends_every_session(browser):
    user = UserFactory.create()
    elsewhere = PageClient()
    elsewhere.sign_in(user.email)
    link = _reset_link(_refresh(user))  # the token is made from the last sign-in too

    opened = browser.get(_reset_page(link))
    response = browser.submit(
        "/account/reset-password/", {**link, "new_password": NEW_PASSWORD}, page=_reset_page(link)
    )

    assert opened.status_code == HTTPStatus.OK
    assert response["Location"] == "/account/login/"
    assert _refresh(user).check_password(NEW_PASSWORD)
    assert not UserSession.objects.filter(user=user).exists()
    assert elsewhere.get("/account/").status_code == HTTPStatus.FOUND


def test_a_weak_new_password_is_refused_and_the_link_still_works(browser):
    user = UserFactory.create()
    link = _reset_link(user)

    weak = browser.submit(
        "/account/reset-password/", {**link, "new_password": "12345678"}, page=_reset_page(link)
    )
    strong = browser.submit(
        "/account/reset-password/", {**link, "new_password": NEW_PASSWORD}, page=_reset_page(link)
    )

    assert weak.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(weak, "new_password") == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert strong.status_code == HTTPStatus.FOUND
    assert _refresh(user).check_password(NEW_PASSWORD)


def test_a_used_reset_link_is_refused(browser):
    user = UserFactory.create()
    link = _reset_link(user)
    browser.submit(
        "/account/reset-password/", {**link, "new_password": NEW_PASSWORD}, page=_reset_page(link)
    )

    response = browser.submit(
        "/account/reset-password/",
        {**link, "new_password": "another-long-passphrase"},
        page=_reset_page(link),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK
    assert _refresh(user).check_password(NEW_PASSWORD)


def test_an_expired_reset_link_is_refused(browser):
    user = UserFactory.create()
    made = keys.password_reset_tokens._num_seconds(keys.password_reset_tokens._now())
    expired = keys.password_reset_tokens._make_token_with_timestamp(
        user, made - settings.PASSWORD_RESET_TIMEOUT - 60, keys.password_reset_tokens.secret
    )
    link = {"uid": keys.make_reset_uid(user), "token": expired}
    fresh = keys.password_reset_tokens._make_token_with_timestamp(
        user, made, keys.password_reset_tokens.secret
    )
    assert keys.password_reset_tokens.check_token(user, fresh)  # only the age differs

    response = browser.submit(
        "/account/reset-password/", {**link, "new_password": NEW_PASSWORD}, page=_reset_page(link)
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK
    assert _refresh(user).check_password(PASSWORD)


def test_a_reset_link_cut_short_is_an_invalid_link(browser):
    response = browser.get("/account/reset-password/?uid=MQ")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK


# --- email change ---------------------------------------------------------------------


def _email_change_key(user: User, new_email: str = "new@example.com") -> str:
    change = PendingEmailChange.objects.create(user=user, new_email=new_email)
    return keys.make_email_change_key(change)


def test_opening_the_email_change_link_changes_nothing(browser):
    user = UserFactory.create()
    key = _email_change_key(user)

    response = browser.get("/account/confirm-email/", {"key": key})

    assert response.status_code == HTTPStatus.OK
    assert _refresh(user).email != "new@example.com"


def test_the_button_moves_the_account_to_the_new_address(browser):
    user = UserFactory.create()
    key = _email_change_key(user)

    response = browser.submit(
        "/account/confirm-email/", {"key": key}, page=f"/account/confirm-email/?key={key}"
    )

    assert response["Location"] == "/account/login/"
    assert (_refresh(user).email, user.email_verified) == ("new@example.com", True)
    assert "Your email address is now new@example.com." in text_of(browser.get("/account/login/"))


def test_a_used_email_change_link_is_refused(browser):
    user = UserFactory.create()
    key = _email_change_key(user)
    page = f"/account/confirm-email/?key={key}"
    browser.submit("/account/confirm-email/", {"key": key}, page=page)

    response = browser.submit("/account/confirm-email/", {"key": key}, page=page)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == INVALID_LINK


def test_an_address_taken_meanwhile_is_refused(browser):
    user = UserFactory.create()
    key = _email_change_key(user)
    UserFactory.create(email="new@example.com")

    response = browser.submit(
        "/account/confirm-email/", {"key": key}, page=f"/account/confirm-email/?key={key}"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == ["A user with that email already exists."]
