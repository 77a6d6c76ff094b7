"""POST /auth/login/ : session login."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from accounts.models import User, UserSession
from accounts.security.sessions.keys import hash_key
from accounts.tests.factories import PASSWORD, UserFactory
from core.counters import redis_counters

pytestmark = pytest.mark.django_db

INVALID = {"message": "Invalid credentials", "code": "invalid_credentials"}


def login(client, email, password=PASSWORD):
    client.fetch_csrf_token()
    return client.post("/auth/login/", {"email": email, "password": password}, format="json")


def test_login_starts_a_session_and_returns_the_user_and_a_fresh_csrf_token(client, user):
    old_token = client.fetch_csrf_token()

    response = client.post(
        "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["message"] == "Login successful"
    assert body["user"]["email"] == user.email
    assert body["csrf_token"]
    assert body["csrf_token"] != old_token
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert client.get("/auth/me/").json()["id"] == user.pk


def test_login_ignores_case_and_surrounding_spaces_in_the_email(client):
    UserFactory.create(email="ann@example.com")

    response = login(client, "  ANN@Example.com ")

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.com", "wrong-password-1"), ("nobody@example.com", PASSWORD)],
)
def test_login_answers_unknown_email_and_wrong_password_alike(client, email, password):
    UserFactory.create(email="ann@example.com")

    response = login(client, email, password)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == INVALID
    assert "sessionid" not in response.cookies


def test_login_refuses_an_inactive_account_like_a_wrong_password(client):
    UserFactory.create(email="ann@example.com", is_active=False)

    response = login(client, "ann@example.com")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == INVALID


def test_login_requires_a_csrf_token(client, user):
    response = client.post(
        "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "csrf_failed"
    assert not UserSession.objects.exists()


def test_login_rotates_the_session_key(client, user):
    client.log_in(user.email)
    first_key = client.cookies["sessionid"].value

    client.log_in(user.email)

    assert client.cookies["sessionid"].value != first_key
    assert not UserSession.objects.filter(key_hash=hash_key(first_key)).exists()
    assert UserSession.objects.count() == 1


def test_login_validates_the_body(client):
    client.fetch_csrf_token()

    response = client.post("/auth/login/", {"email": 1}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"] == {"email": ["invalid"], "password": ["required"]}


def test_login_upgrades_a_pbkdf2_hash_to_argon2(client):
    with override_settings(
        PASSWORD_HASHERS=[
            "accounts.security.hashers.Argon2idPasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    ):
        user = UserFactory.create()
        User.objects.filter(pk=user.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )

        response = login(client, user.email)

    assert response.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def _counted(script, name, calls):
    """The Redis script itself, noting each call: the counters' Redis commands."""

    def call(*args, **kwargs):
        calls.append(name)
        return script(*args, **kwargs)

    return call


def test_a_login_costs_six_queries_on_the_embedded_default_and_four_with_redis(
    client, user, django_assert_num_queries, monkeypatch
):
    """Find the user, stamp last_login, record the event, write the session once.

    The rate-limit counters cost two operations: one reserves the request, email and
    address counts before the password check, one settles them after it. Where they
    live in the database (no Redis), each is one statement: six queries. With Redis
    they are two Redis script calls, and the database sees four queries.
    """
    store = redis_counters()
    redis_calls: list[str] = []
    if store is not None:
        for name in ("_hit", "_settle"):
            monkeypatch.setattr(store, name, _counted(getattr(store, name), name, redis_calls))
    client.fetch_csrf_token()

    with django_assert_num_queries(4 if store else 6) as queries:
        response = client.post(
            "/auth/login/", {"email": user.email, "password": PASSWORD}, format="json"
        )

    counter_sql = [q["sql"] for q in queries.captured_queries if "core_counter" in q["sql"]]
    assert response.status_code == HTTPStatus.OK
    if store is None:
        reserve, settle = counter_sql
        assert all(key in reserve for key in ("throttle:login:", "lockout:", "login_failure:"))
        assert all(key in settle for key in ("lockout:", "login_failure:"))
    else:
        assert (counter_sql, redis_calls) == ([], ["_hit", "_settle"])
