"""Onboarding, the profile, the language switch and the verification resend."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.reference import currency_codes
from pages.tests.conftest import PageClient, field_errors, form_errors, text_of

pytestmark = pytest.mark.django_db

PROFILE = {"first_name": "Ann", "last_name": "Lee", "currency": "USD", "language": "en"}


@pytest.fixture
def newcomer(browser: PageClient) -> tuple[PageClient, User]:
    user = UserFactory.create(first_name="", last_name="", email_verified=True)
    browser.sign_in(user.email)
    return browser, user


def test_onboarding_with_names_currency_and_language_makes_the_account_active(newcomer):
    browser, user = newcomer

    response = browser.submit("/account/onboarding/", {**PROFILE, "language": "ar"})

    assert response["Location"] == "/account/"
    user.refresh_from_db()
    assert (user.status, user.first_name, user.currency, user.language) == (
        "Active",
        "Ann",
        "USD",
        "ar",
    )
    page = browser.get("/account/")
    assert '<html lang="ar" dir="rtl">' in page.content.decode()
    assert browser.get("/account/onboarding/")["Location"] == "/account/"


def test_onboarding_without_names_says_what_is_missing_on_each_field(newcomer):
    browser, user = newcomer

    response = browser.submit(
        "/account/onboarding/", {**PROFILE, "first_name": "", "last_name": " "}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "first_name") == [
        "Your first name is required to complete onboarding."
    ]
    assert field_errors(response, "last_name") == [
        "Your last name is required to complete onboarding."
    ]
    user.refresh_from_db()
    assert (user.status, user.currency) == ("Onboarding", "USD")


def test_onboarding_waits_for_a_verified_email_when_verification_is_mandatory(browser, settings):
    settings.ACCOUNTS_EMAIL_VERIFICATION = "mandatory"
    user = UserFactory.create()
    browser.sign_in(user.email)

    response = browser.submit("/account/onboarding/", PROFILE)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == ["Your email address must be verified to complete onboarding."]
    assert "Send a new link" in text_of(response)


def test_the_profile_saves_names_currency_and_language(signed_in, member):
    response = signed_in.submit("/account/", {**PROFILE, "first_name": "Nour", "currency": "egp"})

    # A currency the list does not offer (lower case here) is refused as a choice.
    assert field_errors(response, "currency") == [
        "Select a valid choice. egp is not one of the available choices."
    ]
    response = signed_in.submit("/account/", {**PROFILE, "first_name": "Nour", "currency": "JPY"})
    assert response["Location"] == "/account/"
    member.refresh_from_db()
    assert (member.first_name, member.currency) == ("Nour", "JPY")
    assert "Your profile was saved." in text_of(signed_in.get("/account/"))


def test_names_with_control_characters_are_refused(signed_in, member):
    response = signed_in.submit("/account/", {**PROFILE, "last_name": "Lee\u202e"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "last_name") == ["This field cannot contain control characters."]
    member.refresh_from_db()
    assert member.last_name == "Lee"


def test_the_currency_list_is_the_apis_named_in_the_pages_language(signed_in):
    page = signed_in.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<option value="EGP"' in page
    assert "EGP \N{EN DASH} Egyptian Pound" in page
    assert page.count("<option value=") == len(settings.LANGUAGES) + len(currency_codes())


def test_an_anonymous_visitor_switches_language_with_a_cookie(browser):
    token = browser.csrf_token("/account/login/")

    response = browser.post(
        "/account/language/",
        {"csrfmiddlewaretoken": token, "language": "ar", "next": "/account/login/"},
    )

    assert response["Location"] == "/account/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    page = browser.get("/account/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


def test_a_signed_in_user_switches_the_language_of_the_profile(signed_in, member):
    token = signed_in.csrf_token("/account/")

    response = signed_in.post(
        "/account/language/",
        {"csrfmiddlewaretoken": token, "language": "ar", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/account/"
    member.refresh_from_db()
    assert member.language == "ar"


def test_an_unknown_language_changes_nothing(signed_in, member):
    token = signed_in.csrf_token("/account/")

    signed_in.post("/account/language/", {"csrfmiddlewaretoken": token, "language": "xx"})

    member.refresh_from_db()
    assert member.language == "en"


def test_the_verification_resend_has_the_apis_limit(browser):
    user = UserFactory.create()
    browser.sign_in(user.email)
    token = browser.csrf_token("/account/")

    for expected in ["A verification link is on its way.", "Too many requests. Try again in"]:
        response = browser.post(
            "/account/verify-email/resend/", {"csrfmiddlewaretoken": token, "next": "/account/"}
        )
        assert response["Location"] == "/account/"
        assert expected in text_of(browser.get("/account/"))


@pytest.mark.parametrize(
    "path", ["/account/", "/account/onboarding/", "/account/security/", "/account/security/export/"]
)
def test_the_account_pages_ask_to_sign_in_first(browser, path):
    response = browser.get(path)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/account/login/?next={path}"
