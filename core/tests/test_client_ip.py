"""The client address: the connection's, unless trusted proxies are configured.

What a trusted proxy wrote is parsed (``ip:port``, ``[v6]:port``) and validated; an
entry that is not an address falls back to the connection's address, so nothing a
client or a proxy writes can reach PostgreSQL's ``inet`` column as anything but an
address.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.models import SecurityEvent, User
from accounts.tests.factories import PASSWORD
from conftest import BrowserClient
from core.client import client_ip, client_network_key, network_key

SPOOFED = "198.51.100.66"
CONNECTION = "203.0.113.9"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers: dict[str, Any] = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_forwarded_for_is_ignored_by_default(settings) -> None:
    assert settings.NUM_PROXIES == 0

    assert client_ip(request_from("203.0.113.7", SPOOFED)) == "203.0.113.7"


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        # One load balancer: it appends the address that connected to it.
        (1, "203.0.113.7", "203.0.113.7"),
        # The client wrote its own header first; the balancer's entry is the last one.
        (1, f"{SPOOFED}, 203.0.113.7", "203.0.113.7"),
        # A CDN in front of the balancer: two trusted entries, the client is 2nd from right.
        (2, f"{SPOOFED}, 203.0.113.7, 192.0.2.10", "203.0.113.7"),
        # Fewer entries than proxies: the leftmost there is.
        (2, "203.0.113.7", "203.0.113.7"),
    ],
)
def test_forwarded_for_is_honoured_as_far_as_num_proxies_says(
    settings, num_proxies: int, forwarded_for: str, expected: str
) -> None:
    settings.NUM_PROXIES = num_proxies

    assert client_ip(request_from("10.0.0.2", forwarded_for)) == expected


def test_without_the_header_the_connection_address_is_used_behind_proxies(settings) -> None:
    settings.NUM_PROXIES = 1

    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("198.51.100.20:5678", "198.51.100.20"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        (" 198.51.100.20 ", "198.51.100.20"),
        # A dual-stack socket reports an IPv4 client as an IPv4-mapped IPv6 address.
        ("::ffff:198.51.100.20", "198.51.100.20"),
        ("[::ffff:198.51.100.20]:80", "198.51.100.20"),
        # A zone names an interface of the proxy, not part of the client's address.
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_a_proxy_entry_with_a_port_or_brackets_is_read_as_its_address(
    settings, entry: str, expected: str
) -> None:
    settings.NUM_PROXIES = 1

    assert client_ip(request_from("10.0.0.2", f"{SPOOFED}, {entry}")) == expected


MALFORMED = [
    "garbage",
    "unknown",  # what nginx writes when it has no address
    "",
    " ",
    "198.51.100.20:",
    "198.51.100.20:99999",
    "198.51.100.20:http",
    "198.51.100.20:٤٤٣",  # Arabic-Indic digits are digits to str.isdigit, not a port
    "198.51.100.20:80:80",
    "[2001:db8::1",
    "2001:db8::1]:443",
    "[2001:db8::1]443",
    "[2001:db8::1]:",
    "[198.51.100.20]:80",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.4/24",
    "2001:db8::/64",
    "x" * 2000,
]


@pytest.mark.parametrize("entry", MALFORMED)
def test_a_proxy_entry_that_is_not_an_address_falls_back_to_the_connection(
    settings, entry: str
) -> None:
    settings.NUM_PROXIES = 1

    assert client_ip(request_from(CONNECTION, f"{SPOOFED}, {entry}")) == CONNECTION


def test_without_any_valid_address_the_address_is_unknown(settings) -> None:
    settings.NUM_PROXIES = 1

    assert client_ip(request_from("not-an-address", "garbage")) == ""
    assert client_network_key(request_from("not-an-address", "garbage")) == ""


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.20", "198.51.100.20"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.20", "198.51.100.20"),
        ("", ""),
    ],
)
def test_limits_count_ipv4_by_address_and_ipv6_by_its_64(address: str, key: str) -> None:
    assert network_key(address) == key


@pytest.mark.django_db
def test_a_spoofed_header_does_not_change_the_recorded_address(user) -> None:
    client = BrowserClient(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=SPOOFED)

    client.log_in(user.email)

    assert SecurityEvent.objects.get(type="login").ip == "203.0.113.7"
    assert client.get("/auth/sessions/").json()[0]["ip"] == "203.0.113.7"


@pytest.mark.django_db
def test_behind_one_proxy_the_recorded_address_is_the_one_the_proxy_saw(user, settings) -> None:
    settings.NUM_PROXIES = 1
    client = BrowserClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{SPOOFED}, 203.0.113.7")

    client.log_in(user.email)

    assert SecurityEvent.objects.get(type="login").ip == "203.0.113.7"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entry", "stored"),
    [
        ("198.51.100.20:5678", "198.51.100.20"),
        # Limits count the /64, but events and sessions keep the whole address.
        ("[2001:db8:0:2::abcd]:443", "2001:db8:0:2::abcd"),
    ],
)
def test_events_and_sessions_store_the_whole_address_a_proxy_gave_with_its_port(
    user, settings, entry: str, stored: str
) -> None:
    settings.NUM_PROXIES = 1
    client = BrowserClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=entry)

    client.log_in(user.email)

    assert SecurityEvent.objects.get(type="login").ip == stored
    assert client.get("/auth/sessions/").json()[0]["ip"] == stored


# Every endpoint that stores a client address (a security event, a session) or counts
# one (a per-address limit), with what it answers when all goes well.
def _log_in(client: APIClient, user: User) -> Any:
    client.get("/auth/csrf/")
    token = client.cookies["csrftoken"].value
    return client.post(
        "/auth/login/",
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )


def _fail_to_log_in(client: APIClient, user: User) -> Any:
    client.get("/auth/csrf/")
    token = client.cookies["csrftoken"].value
    return client.post(
        "/auth/login/",
        {"email": user.email, "password": "wrong-password"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )


def _create_token(client: APIClient, user: User) -> Any:
    body = {"email": user.email, "password": PASSWORD, "name": "cli"}
    return client.post("/auth/tokens/", body, format="json")


def _fail_to_create_token(client: APIClient, user: User) -> Any:
    body = {"email": user.email, "password": "wrong-password", "name": "cli"}
    return client.post("/auth/tokens/", body, format="json")


def _register(client: APIClient, user: User) -> Any:
    body = {"email": f"new-{user.pk}@example.com", "password": PASSWORD}
    return client.post("/auth/", body, format="json")


def _reset_password(client: APIClient, user: User) -> Any:
    return client.post("/auth/reset_password/", {"email": user.email}, format="json")


ENDPOINTS = {
    "login": (_log_in, HTTPStatus.OK, "login"),
    "failed login": (_fail_to_log_in, HTTPStatus.UNAUTHORIZED, "login_failed"),
    "token creation": (_create_token, HTTPStatus.CREATED, "token_created"),
    "failed token creation": (_fail_to_create_token, HTTPStatus.UNAUTHORIZED, "login_failed"),
    "registration": (_register, HTTPStatus.CREATED, None),
    "password reset": (_reset_password, HTTPStatus.ACCEPTED, None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("entry", MALFORMED)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_malformed_proxy_entry_is_answered_normally_with_the_connections_address(
    user, settings, endpoint: str, entry: str
) -> None:
    settings.NUM_PROXIES = 1
    send, status, event = ENDPOINTS[endpoint]
    client = APIClient(REMOTE_ADDR=CONNECTION, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {entry}")

    response = send(client, user)

    assert response.status_code == status, response.content
    if event is not None:
        assert SecurityEvent.objects.get(type=event).ip == CONNECTION
