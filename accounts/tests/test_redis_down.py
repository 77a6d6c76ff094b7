"""With Redis unreachable the service keeps answering, and the limits keep holding.

The cache points at a real Redis address where nothing listens (connection refused),
as after a crash; counters move to the database table and sessions to their table.
"""

from __future__ import annotations

import socket
from http import HTTPStatus

import pytest
from django.test import override_settings

from accounts.models import SecurityEvent
from accounts.tests.factories import PASSWORD
from core import counters

LOCKED_OUT = {"detail": "Too many failed login attempts. Try again later.", "code": "locked_out"}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def redis_down():
    location = f"redis://127.0.0.1:{closed_port()}/0"
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "accounts",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=caches, REDIS_URL=location, ACCOUNTS_SESSION_CACHE="default"):
        yield


def log_in(client, email, password="wrong-password", **headers):
    return client.post(
        "/auth/login/", {"email": email, "password": password}, format="json", **headers
    )


@pytest.mark.django_db
def test_login_and_me_keep_working_with_redis_down(client, user, redis_down):
    body = client.log_in(user.email)

    assert body["user"]["email"] == user.email
    assert client.get("/auth/me/").json()["email"] == user.email


@pytest.mark.django_db
def test_logout_with_redis_down_is_refused_with_503_and_the_session_stays(client, user, redis_down):
    # Other servers may still read the session from Redis: ending it only in the table
    # would answer success while a copied cookie kept working there.
    client.log_in(user.email)

    response = client.post("/auth/logout/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"].isdigit()
    assert client.get("/auth/me/").status_code == HTTPStatus.OK
    assert not SecurityEvent.objects.filter(type="logout").exists()


@pytest.mark.django_db
def test_lockout_still_holds_with_redis_down(client, user, redis_down):
    client.fetch_csrf_token()
    for _ in range(5):
        assert log_in(client, user.email).status_code == HTTPStatus.UNAUTHORIZED

    response = log_in(client, user.email, PASSWORD)

    assert (response.status_code, response.json()) == (HTTPStatus.TOO_MANY_REQUESTS, LOCKED_OUT)
    assert response["Retry-After"].isdigit()
    assert counters.database_counters.hit("lockout:probe", window=60).count == 1


@pytest.mark.django_db
def test_address_limits_still_hold_with_redis_down(client, redis_down):
    client.fetch_csrf_token()
    for n in range(10):
        assert log_in(client, f"guess{n}@example.com").status_code == HTTPStatus.UNAUTHORIZED
    assert log_in(client, "guess10@example.com").status_code == HTTPStatus.TOO_MANY_REQUESTS

    for _ in range(20):
        assert client.post("/auth/", {}, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert client.post("/auth/", {}, format="json").status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_registration_keeps_working_with_redis_down(client, redis_down):
    response = client.post(
        "/auth/", {"email": "new@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
