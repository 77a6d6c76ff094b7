"""Registering on the page: the API's rules and limits, answered on the form."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.conftest import queued_tasks
from accounts.tests.factories import PASSWORD, UserFactory
from pages.tests.conftest import field_errors, text_of

pytestmark = pytest.mark.django_db(transaction=True)  # the verification email is queued on commit


def test_registering_creates_the_account_and_says_to_check_the_inbox(browser):
    response = browser.submit(
        "/account/register/", {"email": " Ann@Example.com ", "password": PASSWORD}
    )

    assert response["Location"] == "/account/register/sent/"
    user = User.objects.get()
    assert (user.email, user.status, user.language) == ("ann@example.com", "Onboarding", "en")
    assert [task.args_kwargs["kwargs"]["kind"] for task in queued_tasks()] == ["verify_email"]
    assert "Check your email" in text_of(browser.get(response["Location"]))


def test_an_account_registered_in_arabic_speaks_arabic(browser):
    browser.submit(
        "/account/register/",
        {"email": "ann@example.com", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ar",
    )

    assert User.objects.get().language == "ar"


def test_an_email_that_is_taken_is_said_so_on_its_field(browser):
    UserFactory.create(email="ann@example.com")

    response = browser.submit(
        "/account/register/", {"email": "ANN@example.com", "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "email") == ["A user with that email already exists."]
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_with_the_validators_messages(browser):
    response = browser.submit(
        "/account/register/", {"email": "ann@example.com", "password": "password"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "password") == ["This password is too common."]
    assert not User.objects.exists()


def test_a_password_like_the_email_is_refused(browser):
    response = browser.submit(
        "/account/register/", {"email": "quintessa@example.com", "password": "quintessa@example"}
    )

    assert field_errors(response, "password") == [
        "The password is too similar to the email address."
    ]


def test_an_address_that_is_not_one_is_refused_before_anything_is_created(browser):
    response = browser.submit("/account/register/", {"email": "not-an-email", "password": PASSWORD})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert not User.objects.exists()


def test_registrations_from_one_address_share_the_apis_limit(browser, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "register": "3/min"}
    api = APIClient()
    for _ in range(2):
        assert api.post("/auth/", {}, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert browser.submit("/account/register/", {}).status_code == HTTPStatus.BAD_REQUEST

    response = browser.submit(
        "/account/register/", {"email": "ann@example.com", "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many requests. Try again in" in text_of(response)
    assert int(response["Retry-After"]) >= 1
    assert not User.objects.exists()
