"""Query budgets: authentication adds no write per request, lists cost the same at any length."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.security.events import record_security_event
from accounts.security.tokens import issue_token
from conftest import BrowserClient

pytestmark = pytest.mark.django_db


def bearer_client(user: User) -> APIClient:
    _token, secret = issue_token(user=user, name="cli")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get("/auth/me/")  # the first use records last_used
    return client


def test_me_under_session_authentication_costs_at_most_one_query(
    logged_in: BrowserClient, django_assert_max_num_queries
) -> None:
    logged_in.get("/auth/me/")

    # The session row joined to its user; none at all when Redis caches both.
    with django_assert_max_num_queries(1):
        response = logged_in.get("/auth/me/")

    assert response.status_code == HTTPStatus.OK


def test_me_under_bearer_authentication_costs_one_query(
    user: User, django_assert_num_queries
) -> None:
    client = bearer_client(user)

    with django_assert_num_queries(1):  # token and user together, no last_used write
        response = client.get("/auth/me/")

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/auth/tokens/", 2),  # authentication, the list
        ("/auth/sessions/", 2),  # authentication, the list
        ("/auth/events/", 3),  # authentication, the count, the page
    ],
)
@pytest.mark.parametrize("rows", [1, 15])
def test_security_lists_cost_the_same_whatever_their_length(
    user: User, django_assert_num_queries, path: str, queries: int, rows: int
) -> None:
    for _ in range(rows):
        issue_token(user=user, name="spare")
        record_security_event(type="login", user=user)
        BrowserClient().log_in(user.email)
    client = bearer_client(user)

    with django_assert_num_queries(queries):
        response = client.get(path)

    assert response.status_code == HTTPStatus.OK
