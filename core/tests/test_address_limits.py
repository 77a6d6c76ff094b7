"""Every per-address limit counts an IPv6 client by its /64 and an IPv4 client by address.

An IPv6 client holds a whole /64 and can pick a fresh address for every request, so each
limit is sent the same requests twice through one trusted proxy: once all from one
address, once each from a different address of one /64. Both must be refused at the same
request, and a neighbouring /64 must still be let in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from rest_framework.request import Request
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD
from accounts.throttling import AddressRateThrottle
from conftest import BrowserClient
from core.client import client_network_key

pytestmark = pytest.mark.django_db

Send = Callable[[APIClient, int, str], Any]
_numbers = itertools.count()


def _fresh_email() -> str:
    """An email of its own for each request, so that no per-email limit cuts in."""
    return f"someone{next(_numbers)}@example.com"


def _fail_to_log_in(client: APIClient, n: int, address: str) -> Any:
    body = {"email": _fresh_email(), "password": "wrong-password"}
    return client.post("/auth/login/", body, format="json", HTTP_X_FORWARDED_FOR=address)


def _fail_to_create_token(client: APIClient, n: int, address: str) -> Any:
    body = {"email": _fresh_email(), "password": "wrong", "name": "cli"}
    return client.post("/auth/tokens/", body, format="json", HTTP_X_FORWARDED_FOR=address)


def _request_login(client: APIClient, n: int, address: str) -> Any:
    return client.post("/auth/login/", {}, format="json", HTTP_X_FORWARDED_FOR=address)


def _request_token(client: APIClient, n: int, address: str) -> Any:
    return client.post("/auth/tokens/", {}, format="json", HTTP_X_FORWARDED_FOR=address)


def _register(client: APIClient, n: int, address: str) -> Any:
    return client.post("/auth/", {}, format="json", HTTP_X_FORWARDED_FOR=address)


def _reset_password(client: APIClient, n: int, address: str) -> Any:
    body = {"email": _fresh_email()}
    return client.post("/auth/reset_password/", body, format="json", HTTP_X_FORWARDED_FOR=address)


def _resend_verification(client: APIClient, n: int, address: str) -> Any:
    return client.post("/auth/resend_verification/", HTTP_X_FORWARDED_FOR=address)


def _change_email(client: APIClient, n: int, address: str) -> Any:
    body = {"new_email": _fresh_email(), "password": PASSWORD}
    return client.post("/auth/change_email/", body, format="json", HTTP_X_FORWARDED_FOR=address)


@dataclass(frozen=True)
class Limit:
    setting: str
    allowed: int  # the default rate's count per minute
    send: Send
    signed_in: bool = False


LIMITS = {
    "failed logins": Limit("THROTTLE_LOGIN_FAILURE", 10, _fail_to_log_in),
    "failed token creations": Limit("THROTTLE_LOGIN_FAILURE", 10, _fail_to_create_token),
    "login requests": Limit("THROTTLE_LOGIN", 30, _request_login),
    "token requests": Limit("THROTTLE_LOGIN", 30, _request_token),
    "registrations": Limit("THROTTLE_REGISTER", 20, _register),
    "password-reset requests": Limit("THROTTLE_PASSWORD_RESET", 20, _reset_password),
    "verification resends": Limit("THROTTLE_EMAIL_SEND", 20, _resend_verification, True),
    "email-change requests": Limit("THROTTLE_EMAIL_SEND", 20, _change_email, True),
}


@pytest.fixture
def behind_one_proxy(settings) -> None:
    settings.NUM_PROXIES = 1
    # Per-email and per-user limits would cut in first on the signed-in endpoints; this
    # file is about the per-address ones, which keep their defaults.
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "verification_resend": "1000/min",
        "email_change": "1000/min",
    }


def _client(limit: Limit, user: Any) -> APIClient:
    client = BrowserClient()
    if limit.signed_in:
        client.log_in(user.email)
    else:
        client.fetch_csrf_token()
    return client


def _statuses(limit: Limit, client: APIClient, addresses: list[str]) -> list[int]:
    return [limit.send(client, n, address).status_code for n, address in enumerate(addresses)]


@pytest.mark.usefixtures("behind_one_proxy")
@pytest.mark.parametrize("name", LIMITS)
def test_addresses_of_one_ipv6_64_are_limited_like_one_address(user, name: str) -> None:
    limit = LIMITS[name]
    client = _client(limit, user)
    attempts = limit.allowed + 2

    from_one_address = _statuses(limit, client, ["2001:db8:0:1::1"] * attempts)
    from_one_network = _statuses(
        limit, client, [f"[2001:db8:0:2:{n:x}::{n + 1:x}]:443" for n in range(attempts)]
    )
    neighbour = limit.send(client, attempts, "2001:db8:0:3::1")

    assert HTTPStatus.TOO_MANY_REQUESTS not in from_one_address[: limit.allowed]
    assert from_one_address[limit.allowed :] == [HTTPStatus.TOO_MANY_REQUESTS] * 2
    assert from_one_network == from_one_address
    assert neighbour.status_code == from_one_address[0]


@pytest.mark.usefixtures("behind_one_proxy")
def test_an_ipv4_mapped_address_shares_the_limits_of_its_ipv4_address(user) -> None:
    limit = LIMITS["failed logins"]
    client = _client(limit, user)
    addresses = ["198.51.100.7", "::ffff:198.51.100.7", "[::ffff:198.51.100.7]:8080"] * 4

    statuses = _statuses(limit, client, addresses)

    assert statuses == [HTTPStatus.UNAUTHORIZED] * 10 + [HTTPStatus.TOO_MANY_REQUESTS] * 2
    assert limit.send(client, 12, "198.51.100.8").status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.usefixtures("behind_one_proxy")
def test_ipv4_neighbours_have_limits_of_their_own(user) -> None:
    limit = LIMITS["failed logins"]
    client = _client(limit, user)

    statuses = _statuses(limit, client, [f"198.51.100.{n}" for n in range(1, 13)])

    assert statuses == [HTTPStatus.UNAUTHORIZED] * 12


def _throttle_classes(cls: type[AddressRateThrottle]) -> list[type[AddressRateThrottle]]:
    return [cls, *(sub for direct in cls.__subclasses__() for sub in _throttle_classes(direct))]


@pytest.mark.parametrize(
    "forwarded_for", ["2001:db8::5", "[2001:db8::5]:443", "198.51.100.7:80", "garbage"]
)
def test_every_throttle_identifies_a_client_as_the_failed_login_budget_does(
    rf, settings, forwarded_for: str
) -> None:
    settings.NUM_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded_for)

    throttles = [cls() for cls in _throttle_classes(AddressRateThrottle) if hasattr(cls, "scope")]

    assert len(throttles) >= 4
    drf_request = Request(request)
    assert {throttle.ident(drf_request) for throttle in throttles} == {client_network_key(request)}
