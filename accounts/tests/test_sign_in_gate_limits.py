"""The login request limit, counted at the sign-in gate with the failure counts.

Every password sign-in (the API login, token creation, the admin's and the pages'
login form) counts one login request of its address in the same step as its email's
and its address's failure counts; a refusal gives back the slots it was not refused by.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.security import limits
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db


def rates(**changed: str) -> dict[str, str]:
    return {**settings.THROTTLE_RATES, **changed}


def api_login(email, password="wrong-password", **headers):
    client = BrowserClient()
    client.fetch_csrf_token()
    return client.post(
        "/auth/login/", {"email": email, "password": password}, format="json", **headers
    )


def test_well_formed_logins_count_toward_the_request_limit_successful_or_not(user):
    for _ in range(21):
        assert api_login(user.email, PASSWORD).status_code == HTTPStatus.OK
    for n in range(9):
        assert api_login(f"guess{n}@example.com").status_code == HTTPStatus.UNAUTHORIZED

    response = api_login(user.email, PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


@override_settings(THROTTLE_RATES=rates(login="4/min"))
def test_every_password_sign_in_counts_one_request_on_one_counter(user):
    staff = UserFactory.create(is_staff=True)
    assert api_login(user.email, PASSWORD).status_code == HTTPStatus.OK
    token = APIClient().post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "cli"}, format="json"
    )
    assert token.status_code == HTTPStatus.CREATED
    admin = Client().post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    # The password was checked (the admin then asks staff for a second factor).
    assert "need a second factor" in admin.content.decode()
    page = Client().post("/account/login/", {"email": user.email, "password": PASSWORD})
    assert page.status_code == HTTPStatus.FOUND

    refused = [
        api_login(user.email, PASSWORD),
        APIClient().post(
            "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "x"}, format="json"
        ),
        Client().post("/account/login/", {"email": user.email, "password": PASSWORD}),
    ]

    assert [r.status_code for r in refused] == [HTTPStatus.TOO_MANY_REQUESTS] * 3
    admin = Client().post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert "Too many requests" in admin.content.decode()
    assert "_auth_user_id" not in admin.wsgi_request.session


@override_settings(THROTTLE_RATES=rates(login="2/min"))
def test_the_gate_and_a_direct_check_share_the_login_counter(user):
    limits.check("login", "127.0.0.1")
    assert api_login(user.email, PASSWORD).status_code == HTTPStatus.OK

    response = api_login(user.email, PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"


@override_settings(THROTTLE_RATES=rates(login="2/min"))
def test_a_request_over_the_limit_uses_up_neither_the_emails_attempts_nor_the_budget(user):
    for _ in range(2):
        assert api_login(user.email).status_code == HTTPStatus.UNAUTHORIZED
    for _ in range(5):
        assert api_login(user.email).status_code == HTTPStatus.TOO_MANY_REQUESTS

    elsewhere = [api_login(user.email, REMOTE_ADDR=f"198.51.100.{n}") for n in range(4)]

    # Two failures from the first address, three more here: the sixth is locked out.
    assert [r.status_code for r in elsewhere[:3]] == [HTTPStatus.UNAUTHORIZED] * 3
    assert elsewhere[3].json()["code"] == "locked_out"


def test_a_locked_out_request_does_not_use_up_the_addresss_failure_budget(user):
    for n in range(5):
        assert api_login(user.email, REMOTE_ADDR=f"198.51.100.{n}").status_code == 401
    for _ in range(10):
        assert api_login(user.email).json()["code"] == "locked_out"

    failures = [api_login(f"guess{n}@example.com").status_code for n in range(10)]

    assert failures == [HTTPStatus.UNAUTHORIZED] * 10
    assert api_login("guess10@example.com").json()["code"] == "throttled"


def test_malformed_bodies_count_their_request_before_the_gate():
    client = BrowserClient()
    client.fetch_csrf_token()
    for _ in range(15):
        assert client.post("/auth/login/", {}, format="json").status_code == 400
        assert client.post("/auth/tokens/", "{", content_type="application/json").status_code == 400

    response = client.post(
        "/auth/login/", {"email": "a@example.com", "password": "x"}, format="json"
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"
