"""The client address: the connection's, unless trusted proxies are configured."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from accounts.models import SecurityEvent
from conftest import BrowserClient
from core.client import client_ip

SPOOFED = "198.51.100.66"


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
