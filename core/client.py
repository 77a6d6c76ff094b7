"""Who is on the other end of a request: its address, and the network its limits count."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client is normally given a whole /64 (SLAAC, privacy addresses, one prefix
# per home or VM), so counting single IPv6 addresses would hand it 2**64 budgets.
IPV6_CLIENT_PREFIX = 64


def parse_address(entry: str) -> IPv4Address | IPv6Address | None:
    """Read one address as a proxy or server writes it, or None if it is not one.

    Accepts ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]`` and
    ``[2001:db8::1]:443``. An IPv4-mapped IPv6 address (``::ffff:1.2.3.4``, what a
    dual-stack socket reports for an IPv4 client) is that IPv4 address, and a zone
    (``fe80::1%eth0``) is dropped: neither PostgreSQL's ``inet`` nor a limit needs it.
    """
    entry = entry.strip()
    port: str | None = None
    if entry.startswith("["):
        host, closed, rest = entry[1:].partition("]")
        if not closed or ":" not in host:  # brackets are for IPv6 only
            return None
        if rest:
            if not rest.startswith(":"):
                return None
            port = rest[1:]
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        host = entry
    if port is not None and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return None
    try:
        address = ip_address(host)
    except ValueError:
        return None
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id is not None:
            return IPv6Address(int(address))
    return address


def _client_address(request: HttpRequest) -> IPv4Address | IPv6Address | None:
    remote = parse_address(request.META.get("REMOTE_ADDR") or "")
    forwarded: str | None = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies: int = settings.NUM_PROXIES
    if not proxies or not forwarded:
        return remote
    entries = forwarded.split(",")
    # A trusted proxy that wrote something other than an address (``unknown``, a port
    # we cannot read, garbage) tells us nothing: the connection's address is all we know.
    return parse_address(entries[-min(proxies, len(entries))]) or remote


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, trusting ``X-Forwarded-For`` only as far as configured.

    With ``NUM_PROXIES = n`` the address is the n-th entry from the right of
    ``X-Forwarded-For``, the one our own n-th proxy saw connect; entries further left
    are whatever the client wrote. With 0 the header is ignored. An entry that is not
    an address falls back to the connection's address, so what is stored (an ``inet``
    column on PostgreSQL) is always a valid address, or ``""`` when none is known.
    """
    address = _client_address(request)
    return "" if address is None else str(address)


def network_key(address: str) -> str:
    """Return what per-address limits count for ``address``: IPv4 whole, IPv6 by its /64.

    ``address`` is one that ``client_ip`` returned (``""`` gives ``""``: nothing to count).
    """
    parsed = parse_address(address) if address else None
    if parsed is None:
        return ""
    if isinstance(parsed, IPv6Address):
        return str(IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)


def client_network_key(request: HttpRequest) -> str:
    """Return the key every per-address limit of the request counts under (``network_key``)."""
    return network_key(client_ip(request))


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
