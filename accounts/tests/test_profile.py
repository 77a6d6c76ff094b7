"""GET /auth/me/ and PATCH /auth/update_profile/."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_me_returns_the_public_representation(logged_in, user):
    response = logged_in.get("/auth/me/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "first_name": "Ann",
        "last_name": "Lee",
        "currency": "EGP",
        "status": "Onboarding",
        "language": "en",
        "email_verified": False,
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
    }


def test_me_without_credentials_is_unauthorized_json(client):
    response = client.get("/auth/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"]


def test_me_costs_one_query(logged_in, django_assert_num_queries):
    """The session row joined to its user (or, with Redis, the user alone)."""
    with django_assert_num_queries(1):
        response = logged_in.get("/auth/me/")

    assert response.status_code == HTTPStatus.OK


def test_update_profile_changes_owned_fields(logged_in, user):
    response = logged_in.patch(
        "/auth/update_profile/",
        {"first_name": " Mona ", "last_name": "Zaki", "currency": "usd", "language": "ar"},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert (body["first_name"], body["last_name"], body["currency"], body["language"]) == (
        "Mona",
        "Zaki",
        "USD",
        "ar",
    )
    user.refresh_from_db()
    assert (user.first_name, user.currency, user.language) == ("Mona", "USD", "ar")


def test_update_profile_writes_only_the_fields_that_changed(logged_in, user):
    with CaptureQueriesContext(connection) as queries:
        response = logged_in.patch(
            "/auth/update_profile/", {"first_name": "Ann", "currency": "JPY"}, format="json"
        )

    assert response.status_code == HTTPStatus.OK
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"currency"' in updates[0]
    assert '"first_name"' not in updates[0]
    assert len(queries) == 2


def test_update_profile_with_no_change_writes_nothing(logged_in, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = logged_in.patch("/auth/update_profile/", {"first_name": "Ann"}, format="json")

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "evil@example.com"),
        ("password", "new-password-123"),
        ("status", "Active"),
        ("is_staff", True),
        ("is_superuser", True),
        ("is_active", False),
        ("email_verified", True),
        ("date_joined", "2000-01-01T00:00:00Z"),
        ("id", 99),
    ],
)
def test_update_profile_refuses_fields_it_does_not_own(logged_in, user, field, value):
    response = logged_in.patch(
        "/auth/update_profile/", {"first_name": "Eve", field: value}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        field: ["This field cannot be set here."],
        "codes": {field: ["not_allowed"]},
    }
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.email, fresh.is_staff, fresh.status) == (
        "Ann",
        user.email,
        False,
        "Onboarding",
    )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("currency", "XXQ", "invalid_currency"),
        ("currency", 818, "invalid"),
        ("language", "de", "invalid_language"),
        ("first_name", "x" * 151, "max_length"),
        ("first_name", "Ann\u202eLee", "control_characters"),
        ("last_name", None, "null"),
        ("first_name", ["Ann"], "invalid"),
    ],
)
def test_update_profile_refuses_invalid_values(logged_in, user, field, value, code):
    response = logged_in.patch("/auth/update_profile/", {field: value}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert code in response.json()["codes"][field]
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.currency, fresh.language, fresh.first_name, fresh.last_name) == (
        "EGP",
        "en",
        "Ann",
        "Lee",
    )


def test_update_profile_requires_the_csrf_token(logged_in, user):
    logged_in.credentials()

    response = logged_in.patch("/auth/update_profile/", {"first_name": "Eve"}, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "csrf_failed"
    assert User.objects.get(pk=user.pk).first_name == "Ann"


def test_update_profile_without_a_session_is_unauthorized(client):
    client.fetch_csrf_token()

    response = client.patch("/auth/update_profile/", {"first_name": "Eve"}, format="json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_profile_endpoints_answer_405_to_other_methods(logged_in):
    response = logged_in.post("/auth/me/", {}, format="json")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json() == {"detail": 'Method "POST" not allowed.', "code": "method_not_allowed"}


@pytest.fixture
def cached(settings, transactional_db):
    """Sessions and users read through a shared cache, as when Redis is configured.

    Transactional, so that a change's commit settles the user's cache state as it does
    in production (``transaction.on_commit``).
    """
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.ACCOUNTS_SESSION_CACHE = "sessions"
    caches["sessions"].clear()


def test_me_costs_no_query_when_sessions_and_users_are_cached(
    client, user, cached, django_assert_num_queries
):
    client.log_in(user.email)
    client.get("/auth/me/")  # the login stamped last_login, so this one reads the user

    with django_assert_num_queries(0):
        response = client.get("/auth/me/")

    assert response.json()["id"] == user.pk


def test_a_changed_user_is_read_again_at_once(client, user, cached):
    client.log_in(user.email)
    client.get("/auth/me/")

    User.objects.filter(pk=user.pk).update(first_name="Mona")
    assert client.get("/auth/me/").json()["first_name"] == "Mona"

    user.refresh_from_db()
    user.is_active = False
    user.save()
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_the_public_shape_is_what_the_generic_serializer_would_render(user):
    from rest_framework import serializers

    from accounts.serializers import UserSerializer

    generic = serializers.ModelSerializer.to_representation(UserSerializer(), user)

    assert UserSerializer(user).data == dict(generic)
    assert list(UserSerializer(user).data) == list(generic)
