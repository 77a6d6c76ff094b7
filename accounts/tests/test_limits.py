"""The one request-limit check, as the API's throttles and the account pages call it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.security import limits
from core.exceptions import RateLimited

pytestmark = pytest.mark.django_db


@override_settings(THROTTLE_RATES={"register": "2/min"})
def test_a_scope_refuses_the_request_past_its_rate_with_the_wait():
    limits.check("register", "203.0.113.9")
    limits.check("register", "203.0.113.9")

    with pytest.raises(RateLimited) as refused:
        limits.check("register", "203.0.113.9")

    assert refused.value.status_code == 429
    assert refused.value.retry_after is not None
    assert 1 <= refused.value.retry_after <= 60
    limits.check("register", "203.0.113.10")  # another address has its own count


def test_a_request_that_names_nobody_is_not_counted():
    for _ in range(100):
        limits.check("register", None)


@override_settings(THROTTLE_RATES={"password_reset": "1/min", "password_reset_email": "1/hour"})
def test_every_limit_counts_and_the_refusal_names_the_longest_wait():
    email = limits.by_email("ann@example.com")
    limits.check_all(("password_reset", "203.0.113.9"), ("password_reset_email", email))

    with pytest.raises(RateLimited) as refused:
        limits.check_all(("password_reset", "203.0.113.9"), ("password_reset_email", email))

    assert (refused.value.retry_after or 0) > 60
    with pytest.raises(RateLimited):  # the address was counted too
        limits.check("password_reset", "203.0.113.9")


def test_every_spelling_of_an_email_counts_together_and_non_addresses_count_nothing():
    assert limits.by_email(" Ann@Example.com ") == limits.by_email("ann@example.com")
    assert limits.by_email("") is None
    assert limits.by_email(7) is None
    assert limits.by_email("\ud800@example.com") is None


@override_settings(THROTTLE_RATES={"register": "1/min"})
def test_the_api_throttle_and_a_direct_check_share_one_counter():
    limits.check("register", "127.0.0.1")

    response = APIClient().post("/auth/", {}, format="json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"
