"""POST /auth/ : registration."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import User, UserSession
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def register(client: APIClient, **body: object):
    return client.post("/auth/", body, format="json")


def test_registration_creates_an_onboarding_user_and_returns_its_public_shape(client):
    response = register(
        client,
        email="  Ann@Example.COM ",
        password=PASSWORD,
        first_name="Ann",
        last_name="Lee",
        currency="usd",
        language="ar",
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    user = User.objects.get()
    assert body == {
        "id": user.pk,
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "currency": "USD",
        "status": "Onboarding",
        "language": "ar",
        "email_verified": False,
        "date_joined": body["date_joined"],
    }
    assert user.check_password(PASSWORD)
    assert user.password.startswith(("md5$", "argon2$"))


def test_registration_defaults_currency_and_language(client):
    body = register(client, email="bob@example.com", password=PASSWORD).json()

    assert (body["currency"], body["language"], body["first_name"]) == ("EGP", "en", "")


def test_registration_starts_no_session_and_needs_no_csrf_token(client):
    response = register(client, email="bob@example.com", password=PASSWORD)

    assert response.status_code == HTTPStatus.CREATED
    assert "sessionid" not in response.cookies
    assert not UserSession.objects.exists()
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_registration_refuses_an_email_taken_in_another_case(client):
    UserFactory.create(email="ann@example.com")

    response = register(client, email="ANN@example.com", password=PASSWORD)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "email": ["A user with that email already exists."],
        "codes": {"email": ["email_taken"]},
    }
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1!", "password_too_short"),
        ("password123", "password_too_common"),
        ("83749261530", "password_entirely_numeric"),
        ("ann.lee.example", "password_too_similar"),
        ("x" * 257, "max_length"),
    ],
)
def test_registration_refuses_a_weak_password(client, password, code):
    response = register(client, email="ann.lee@example.com", password=password)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert code in response.json()["codes"]["password"]
    assert not User.objects.exists()


def test_registration_accepts_a_password_of_256_characters(client):
    response = register(client, email="ann@example.com", password="Zq8#" * 64)

    assert response.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("email", "not-an-email", "invalid"),
        ("email", "a" * 250 + "@x.com", "max_length"),
        ("currency", "XYZ", "invalid_currency"),
        ("currency", "EGPP", "max_length"),
        ("language", "fr", "invalid_language"),
        ("first_name", "Ann\nLee", "control_characters"),
        ("last_name", "L" * 151, "max_length"),
        ("first_name", 5, "invalid"),
    ],
)
def test_registration_refuses_an_invalid_field(client, field, value, code):
    body = {"email": "ann@example.com", "password": PASSWORD, field: value}

    response = client.post("/auth/", body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert code in response.json()["codes"][field]
    assert not User.objects.exists()


def test_registration_requires_email_and_password(client):
    response = register(client)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {"email": ["required"], "password": ["required"]}


@pytest.mark.parametrize(
    "field",
    ["is_staff", "is_superuser", "is_active", "status", "email_verified", "id", "date_joined"],
)
def test_registration_refuses_fields_the_client_does_not_own(client, field):
    body = {"email": "ann@example.com", "password": PASSWORD, field: True}

    response = client.post("/auth/", body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {field: ["not_allowed"]}
    assert not User.objects.exists()


def test_registration_does_not_reveal_the_password_hash_or_staff_flags(client):
    body = register(client, email="ann@example.com", password=PASSWORD).json()

    assert not {"password", "is_staff", "is_superuser", "is_active"} & set(body)
