"""Request limits per action: the one check that the API and the account pages both call.

A limit is a scope (``"login"``, ``"register"``, ...) with a rate in settings
``THROTTLE_RATES`` and an identity it counts per: the client address, the email asked
about, or the signed-in account. :func:`check` counts one request with
``core.counters.hit``, which takes a numbered slot first, so concurrent requests on
different workers cannot both pass the last slot, and refuses those numbered above the
limit with :class:`core.exceptions.RateLimited`.

The API's throttle classes (``accounts.throttling``) and the account pages (``pages``)
call it with the same scopes and identities, so a request counts against the same
counter whichever interface it came through.

Scopes and what they count per (rates in docs/security.md):

- ``login``: every login request per client address, whichever interface it came
  through (the API login, token creation, the admin's and the pages' login form, the
  sign-in steps after the password). A password sign-in counts it at the sign-in gate
  (``accounts.security.lockout.reserve_attempt``), in the same step as its failure counts; a
  request refused before the gate (a malformed body) and the sign-in steps call
  :func:`check`.
- ``register``: registrations per client address.
- ``password_reset``: password-reset requests per client address.
- ``password_reset_email``, ``verification_resend``: per email, registered or not, so
  the refusal is the same for an unknown email and reveals nothing.
- ``email_send``: requests per client address to the actions that send email on a
  signed-in user's behalf (a verification resend, an email change).
- ``email_change``: email-change requests per account, so a stolen session cannot be
  used to send confirmation links to many addresses.

The failed-login budget per address (``login_failure``) is not a request limit: it
lives in ``accounts.security.lockout``, where success and failure are known.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from accounts.models import normalize_email
from core import counters
from core.client import client_network_key
from core.exceptions import RateLimited

#: A limit to count a request against: its scope and whom it counts, or ``None`` when
#: the request names nobody to count (an address-less request, a body without an email).
Limit = tuple[str, str | None]


def counter_key(scope: str, ident: str) -> str:
    """The counter of ``scope`` for ``ident``: the one key every interface counts on."""
    return f"throttle:{scope}:{ident}"


def hashed_email(email: str) -> str:
    """A stable, non-reversible key part for an email, however it is capitalised or padded."""
    return salted_hmac("accounts.lockout.email", normalize_email(email)).hexdigest()


def check(scope: str, ident: str | None) -> None:
    """Count one request of ``scope`` by ``ident``, refusing it past the scope's rate.

    Args:
        scope: A key of settings ``THROTTLE_RATES``, read at each call so that a changed
            setting holds at once.
        ident: Whom the request counts against (:func:`by_address`, :func:`by_email`,
            :func:`by_account`); ``None`` counts nothing.

    Raises:
        RateLimited: The request is over the limit; ``retry_after`` says when the
            window ends.
    """
    if ident is None:
        return
    limit, window = counters.parse_rate(str(settings.THROTTLE_RATES[scope]))
    hit = counters.hit(counter_key(scope, ident), window=window)
    if hit.count > limit:
        raise RateLimited(hit.retry_after)


def check_all(*limits: Limit) -> None:
    """Count the request against every limit, then refuse it if any is exceeded.

    Every limit counts, as Django REST framework runs every throttle of a view, and the
    refusal names the longest wait.

    Raises:
        RateLimited: At least one limit is exceeded.
    """
    waits: list[int] = []
    for scope, ident in limits:
        try:
            check(scope, ident)
        except RateLimited as exc:
            waits.append(exc.retry_after or 1)
    if waits:
        raise RateLimited(max(waits))


def by_address(request: HttpRequest) -> str | None:
    """The client as every address limit counts it: one IPv4 address or one IPv6 /64.

    The address is the one ``NUM_PROXIES`` makes it (``core.client``).
    """
    return client_network_key(request) or None


def by_email(email: Any) -> str | None:
    """A keyed hash of an email as typed, registered or not; ``None`` for a non-address.

    A missing, non-string or unencodable email is the input validation's to refuse; the
    limit counts only what could be a real address. Every spelling of one address
    counts together.
    """
    if not isinstance(email, str) or not email.strip():
        return None
    try:
        email.encode()
    except UnicodeEncodeError:
        return None
    return hashed_email(email)


def by_account(user: Any) -> str | None:
    """The signed-in account; ``None`` for an anonymous request."""
    if user is None or not user.is_authenticated:
        return None
    return str(user.pk)
