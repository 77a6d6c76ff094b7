"""Who is on the other end of a request."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, trusting ``X-Forwarded-For`` only as far as configured.

    With ``NUM_PROXIES = n`` the address is the n-th entry from the right of
    ``X-Forwarded-For``, the one our own n-th proxy saw connect; entries further left
    are whatever the client wrote. With 0 the header is ignored. This mirrors DRF's
    ``get_ident``, so throttles and security events name the same address.
    """
    remote_addr: str = request.META.get("REMOTE_ADDR", "")
    forwarded: str | None = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies: int = settings.NUM_PROXIES
    if not proxies or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr


def user_agent(request: HttpRequest) -> str:
    """Return the client's ``User-Agent``, cut to what is worth storing."""
    agent: str = request.META.get("HTTP_USER_AGENT", "")
    return agent[:512]


@dataclass(frozen=True)
class Client:
    """Where a change comes from, as flows record it: address and user agent.

    Flows take this plain value instead of a request, so that the admin, a command or a
    task can run them too (with :data:`NO_CLIENT`).
    """

    ip: str | None
    user_agent: str

    @classmethod
    def of(cls, request: HttpRequest) -> Client:
        return cls(ip=client_ip(request) or None, user_agent=user_agent(request))


#: A change made outside any request (a management command, a task).
NO_CLIENT = Client(ip=None, user_agent="")
