"""Signing in and out on the pages: the API's limits, lockout and answers, through a form."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings

from accounts.models import SecurityEvent, User, UserSession
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient
from pages.tests.conftest import PageClient, field_errors, form_errors, text_of

pytestmark = pytest.mark.django_db


def test_signing_in_starts_a_session_and_opens_the_profile(browser, member):
    response = browser.submit("/account/login/", {"email": member.email, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, "/account/")
    assert UserSession.objects.filter(user=member).count() == 1
    assert SecurityEvent.objects.filter(user=member, type="login").count() == 1
    assert browser.get("/account/").status_code == HTTPStatus.OK


def test_an_account_still_in_onboarding_is_sent_to_finish_it(browser):
    user = UserFactory.create()

    response = browser.submit("/account/login/", {"email": user.email, "password": PASSWORD})

    assert response["Location"] == "/account/onboarding/"


def test_signing_in_goes_on_to_the_page_asked_for_but_never_to_another_site(browser, member):
    asked = browser.get("/account/security/")
    assert asked["Location"] == "/account/login/?next=/account/security/"

    kept = browser.submit(
        "/account/login/",
        {"email": member.email, "password": PASSWORD, "next": "/account/security/"},
    )
    assert kept["Location"] == "/account/security/"

    other = PageClient().submit(
        "/account/login/",
        {"email": member.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert other["Location"] == "/account/"


def test_a_wrong_password_is_refused_with_the_apis_answer_and_no_session(browser, member):
    response = browser.submit("/account/login/", {"email": member.email, "password": "wrong"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(response) == ["Invalid credentials"]
    assert "<title>Error: Sign in \N{EN DASH} Accounts</title>" in response.content.decode()
    assert not UserSession.objects.exists()
    assert SecurityEvent.objects.filter(user=member, type="login_failed").count() == 1


def test_an_unknown_email_gets_the_same_page_as_a_wrong_password(browser, member):
    wrong = browser.submit("/account/login/", {"email": member.email, "password": "wrong"})
    unknown = browser.submit("/account/login/", {"email": "nobody@example.com", "password": "x"})

    assert wrong.status_code == unknown.status_code == HTTPStatus.BAD_REQUEST
    assert form_errors(wrong) == form_errors(unknown) == ["Invalid credentials"]


def test_an_empty_form_names_each_missing_field(browser):
    response = browser.submit("/account/login/", {"email": "", "password": ""})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "email") == ["This field is required."]
    assert field_errors(response, "password") == ["This field is required."]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html


def test_the_sixth_attempt_for_one_email_is_locked_out_whatever_the_password(browser, member):
    for _ in range(5):
        response = browser.submit("/account/login/", {"email": member.email, "password": "wrong"})
        assert response.status_code == HTTPStatus.BAD_REQUEST

    response = browser.submit("/account/login/", {"email": member.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert form_errors(response) == ["Too many failed login attempts. Try again later."]
    assert 1 <= int(response["Retry-After"]) <= settings.ACCOUNTS_LOGIN_FAILURE_WINDOW
    assert not UserSession.objects.exists()


def test_failures_on_the_page_and_in_the_api_count_toward_one_lockout(browser, member):
    api = BrowserClient()
    api.fetch_csrf_token()
    for _ in range(3):
        api.post("/auth/login/", {"email": member.email, "password": "wrong"}, format="json")
    for _ in range(2):
        browser.submit("/account/login/", {"email": member.email, "password": "wrong"})

    page = browser.submit("/account/login/", {"email": member.email, "password": PASSWORD})
    api_answer = api.post(
        "/auth/login/", {"email": member.email, "password": PASSWORD}, format="json"
    )

    assert page.status_code == api_answer.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert api_answer.json()["code"] == "locked_out"


def test_login_requests_from_one_address_are_throttled_across_the_page_and_the_api(browser):
    api = BrowserClient()
    api.fetch_csrf_token()
    for _ in range(29):
        assert api.post("/auth/login/", {}, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert browser.submit("/account/login/", {}).status_code == HTTPStatus.BAD_REQUEST

    response = browser.submit("/account/login/", {"email": "a@example.com", "password": "x"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    wait = int(response["Retry-After"])
    assert form_errors(response) == [
        f"Too many requests. Try again in {wait} second{'' if wait == 1 else 's'}."
    ]


def test_a_login_without_the_csrf_token_is_refused_with_a_page(member):
    browser = PageClient()

    response = browser.post("/account/login/", {"email": member.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"].startswith("text/html")
    assert "Please try again" in text_of(response)
    assert not UserSession.objects.exists()


def test_outside_the_pages_a_csrf_refusal_stays_json():
    response = PageClient().post("/admin/login/", {"username": "a", "password": "b"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json() == {"detail": "CSRF token missing or incorrect.", "code": "csrf_failed"}


def test_opening_the_sign_out_page_does_not_sign_out(signed_in, member):
    response = signed_in.get("/account/logout/")

    assert response.status_code == HTTPStatus.OK
    assert UserSession.objects.filter(user=member).exists()


def test_signing_out_ends_the_session_on_the_server(signed_in, member):
    response = signed_in.submit("/account/logout/", {})

    assert response["Location"] == "/account/login/"
    assert not UserSession.objects.filter(user=member).exists()
    assert SecurityEvent.objects.filter(user=member, type="logout").count() == 1
    assert "You are signed out." in text_of(signed_in.get("/account/login/"))
    assert signed_in.get("/account/")["Location"].startswith("/account/login/")


def test_signing_in_remembers_the_users_language_for_the_browser(browser):
    user = UserFactory.create(language="ar", status=User.Status.ACTIVE)

    response = browser.submit("/account/login/", {"email": user.email, "password": PASSWORD})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    page = browser.get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ar" dir="rtl">' in page.content.decode()
