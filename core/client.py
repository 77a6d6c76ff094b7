"""Who is on the other end of a request."""

from __future__ import annotations

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
