"""Per-address and per-email request limits, and whose address counts."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

INVALID = {"message": "Invalid credentials", "code": "invalid_credentials"}


def throttled(response):
    """The body of a throttled request, with the wait of its Retry-After."""
    wait = int(response["Retry-After"])
    unit = "second" if wait == 1 else "seconds"
    return {
        "detail": f"Too many requests. Try again in {wait} {unit}.",
        "code": "throttled",
    }


def log_in(client, email, password="wrong-password", **headers):
    return client.post(
        "/auth/login/", {"email": email, "password": password}, format="json", **headers
    )


@pytest.mark.django_db
def test_an_address_gets_ten_failed_logins_a_minute(anonymous):
    for n in range(10):
        response = log_in(anonymous, f"guess{n}@example.com")
        assert (response.status_code, response.json()) == (HTTPStatus.UNAUTHORIZED, INVALID)

    response = log_in(anonymous, "guess10@example.com")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json() == throttled(response)
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_the_failed_login_limit_is_per_address(anonymous, user):
    for n in range(10):
        log_in(anonymous, f"guess{n}@example.com")

    response = log_in(anonymous, user.email, PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_successful_logins_do_not_use_up_the_failure_budget(anonymous, user):
    for n in range(9):
        log_in(anonymous, f"guess{n}@example.com")
    for _ in range(3):
        anonymous.log_in(user.email)

    assert log_in(anonymous, "guess9@example.com").status_code == HTTPStatus.UNAUTHORIZED
    assert log_in(anonymous, "guess10@example.com").status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_an_address_refused_for_failures_does_not_use_up_the_emails_attempts(anonymous, user):
    for n in range(10):
        log_in(anonymous, f"guess{n}@example.com")
    for _ in range(5):
        assert log_in(anonymous, user.email).status_code == HTTPStatus.TOO_MANY_REQUESTS

    response = log_in(anonymous, user.email, PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_an_address_gets_thirty_login_requests_a_minute(anonymous):
    for _ in range(30):
        response = anonymous.post("/auth/login/", {}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST

    response = anonymous.post("/auth/login/", {}, format="json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json() == throttled(response)
    other = anonymous.post("/auth/login/", {}, format="json", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.django_db
def test_x_forwarded_for_is_ignored_by_default(anonymous):
    for n in range(10):
        response = log_in(anonymous, f"guess{n}@example.com", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        assert response.status_code == HTTPStatus.UNAUTHORIZED

    response = log_in(anonymous, "guess10@example.com", HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_address_it_saw_is_the_one_limited(anonymous):
    for n in range(10):
        forwarded = f"10.0.0.{n}, 203.0.113.5"  # the client wrote the first entry
        assert (
            log_in(anonymous, f"guess{n}@example.com", HTTP_X_FORWARDED_FOR=forwarded).status_code
            == 401
        )

    refused = log_in(anonymous, "guess10@example.com", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")
    other = log_in(anonymous, "guess10@example.com", HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert other.status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.django_db
def test_an_address_gets_twenty_registrations_a_minute():
    client = APIClient()
    for _ in range(20):
        assert client.post("/auth/", {}, format="json").status_code == HTTPStatus.BAD_REQUEST

    response = client.post(
        "/auth/", {"email": "new@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json() == throttled(response)


@pytest.mark.django_db
@override_settings(THROTTLE_RATES={"register": "1/min"})
def test_rates_are_settings():
    client = APIClient()
    assert client.post("/auth/", {}, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert client.post("/auth/", {}, format="json").status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_an_email_gets_five_reset_requests_a_minute_registered_or_not(user):
    client = APIClient()
    for email in [user.email, "nobody@example.com"]:
        for n in range(5):
            sent = client.post(
                "/auth/reset_password/", {"email": email}, format="json", REMOTE_ADDR=f"10.0.0.{n}"
            )
            assert sent.status_code == HTTPStatus.ACCEPTED

        response = client.post("/auth/reset_password/", {"email": email.upper()}, format="json")

        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert response.json() == throttled(response)


@pytest.mark.django_db
def test_an_address_gets_twenty_reset_requests_a_minute():
    client = APIClient()
    for n in range(20):
        sent = client.post(
            "/auth/reset_password/", {"email": f"user{n}@example.com"}, format="json"
        )
        assert sent.status_code == HTTPStatus.ACCEPTED

    response = client.post("/auth/reset_password/", {"email": "user20@example.com"}, format="json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_a_user_gets_one_verification_resend_every_three_minutes(logged_in):
    assert logged_in.post("/auth/resend_verification/").status_code == HTTPStatus.ACCEPTED

    response = logged_in.post("/auth/resend_verification/")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 170 <= int(response["Retry-After"]) <= 180


@pytest.mark.django_db
def test_resends_count_per_email_not_per_session(user):
    first, second = BrowserClient(), BrowserClient()
    first.log_in(user.email)
    second.log_in(user.email)
    assert first.post("/auth/resend_verification/").status_code == HTTPStatus.ACCEPTED

    response = second.post("/auth/resend_verification/")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    other = BrowserClient()
    other.log_in(UserFactory.create().email)
    assert other.post("/auth/resend_verification/").status_code == HTTPStatus.ACCEPTED


@pytest.mark.django_db
def test_a_user_gets_five_email_change_requests_an_hour(logged_in):
    for n in range(5):
        response = logged_in.post(
            "/auth/change_email/",
            {"new_email": f"new{n}@example.com", "password": PASSWORD},
            format="json",
        )
        assert response.status_code == HTTPStatus.ACCEPTED

    response = logged_in.post(
        "/auth/change_email/",
        {"new_email": "new9@example.com", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 3500


@pytest.mark.django_db
def test_token_creation_counts_toward_the_login_request_limit(user):
    client = APIClient()
    for _ in range(30):
        response = client.post(
            "/auth/tokens/",
            {"email": user.email, "password": PASSWORD, "name": "cli"},
            format="json",
        )
        assert response.status_code == HTTPStatus.CREATED

    csrf = BrowserClient()
    csrf.fetch_csrf_token()
    response = csrf.post("/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"
