"""Fixtures shared by every app's tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory

if TYPE_CHECKING:
    from accounts.models import User


class BrowserClient(APIClient):
    """A client that behaves like the browser app: JSON bodies, CSRF enforced."""

    def __init__(self, **defaults: object) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)

    def fetch_csrf_token(self) -> str:
        token: str = self.get("/auth/csrf/").json()["csrf_token"]
        self.credentials(HTTP_X_CSRFTOKEN=token)
        return token

    def log_in(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        self.fetch_csrf_token()
        response = self.post("/auth/login/", {"email": email, "password": password}, format="json")
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        self.credentials(HTTP_X_CSRFTOKEN=body["csrf_token"])
        return body


@pytest.fixture(autouse=True)
def _fresh_counters(request: pytest.FixtureRequest) -> None:
    """Start every database test with empty rate-limit counters, so limits never leak."""
    from core import counters
    from core.models import Counter

    for backend in counters._redis_counters.values():
        backend.down_until = 0.0
    uses_database = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if not uses_database:
        return  # pytest-django sets up the test database only for tests that ask for it
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()
        Counter.objects.all().delete()


@pytest.fixture
def client() -> BrowserClient:
    return BrowserClient()


@pytest.fixture
def anonymous(client: BrowserClient) -> BrowserClient:
    """A browser with a CSRF token and no session, as before a login."""
    client.fetch_csrf_token()
    return client


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def logged_in(client: BrowserClient, user: User) -> BrowserClient:
    client.log_in(user.email)
    return client
