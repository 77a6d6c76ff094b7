"""Request limits per action, counted atomically in the shared store.

DRF's ``SimpleRateThrottle`` reads a list of timestamps from the cache and writes it
back, so concurrent requests on different workers can both pass the last slot. These
throttles keep DRF's interface (``scope``, ``THROTTLE_RATES``, ``Retry-After``) but
count with ``core.counters.hit``: each request takes a numbered slot first, and those
numbered above the limit are refused.

Scopes and their keys (rates in settings ``THROTTLE_RATES``, docs/security.md):

- ``login``: every login request per client address; token creation counts too.
- ``register``: registrations per client address.
- ``password_reset``: password-reset requests per client address.
- ``password_reset_email``, ``verification_resend``: per email, registered or not, so
  the 429 is the same for an unknown email and reveals nothing.
- ``email_send``: requests per client address to the endpoints that send email on a
  signed-in user's behalf (``resend_verification``, ``change_email``).
- ``email_change``: email-change requests per user, so a stolen session cannot be used
  to send confirmation links to many addresses.

The failed-login budget per address (``login_failure``) is not a request throttle: it
lives in ``accounts.security.lockout``, where success and failure are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.security.lockout import hashed_email
from core import counters
from core.client import client_network_key


class AtomicRateThrottle(SimpleRateThrottle):
    """A scoped throttle with an exact, fixed-window count shared by every process."""

    scope: str
    # Set by ``SimpleRateThrottle.__init__`` from ``parse_rate``; the stubs omit them.
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str:
        # Read at each request (throttles are built per request), so a changed setting
        # takes effect without a restart of the class.
        return str(settings.THROTTLE_RATES[self.scope])

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        if rate is None:
            return None, None
        return counters.parse_rate(rate)

    def get_ident(self, request: Request) -> str:
        # The same key as the failed-login budget (``lockout.address_key``): one IPv4
        # address, or one IPv6 /64, whatever ``NUM_PROXIES`` makes the address.
        return client_network_key(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        key = self.get_cache_key(request, view)
        if key is None or self.num_requests is None or self.duration is None:
            return True
        hit = counters.hit(key, window=self.duration)
        self.retry_after = hit.retry_after
        return hit.count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class AddressRateThrottle(AtomicRateThrottle):
    """Counts per client address: an IPv4 address, or an IPv6 /64 (``core.client``)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        ident = self.get_ident(request)
        return f"throttle:{self.scope}:{ident}" if ident else None


class EmailRateThrottle(AtomicRateThrottle):
    """Counts per email in the request body, whether or not it is registered."""

    def get_email(self, request: Request) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, Mapping) else None
        # A missing, non-string or unencodable email is the serializer's to refuse
        # with a 400; the throttle counts only what could be a real address.
        if not isinstance(email, str) or not email.strip():
            return None
        try:
            email.encode()
        except UnicodeEncodeError:
            return None
        return email

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        email = self.get_email(request)
        return f"throttle:{self.scope}:{hashed_email(email)}" if email else None


class LoginRequestThrottle(AddressRateThrottle):
    """Login requests per address: session login and token creation alike."""

    scope = "login"


class RegistrationThrottle(AddressRateThrottle):
    scope = "register"


class PasswordResetThrottle(AddressRateThrottle):
    """Password-reset requests per address."""

    scope = "password_reset"


class PasswordResetEmailThrottle(EmailRateThrottle):
    """Password-reset requests per email, so one inbox cannot be flooded."""

    scope = "password_reset_email"


class VerificationResendThrottle(EmailRateThrottle):
    """Verification resends per email: the signed-in user's, else the body's ``email``."""

    scope = "verification_resend"

    def get_email(self, request: Request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return str(user.email)
        return super().get_email(request)


class EmailSendingAddressThrottle(AddressRateThrottle):
    """Requests per address to the endpoints that send email for a signed-in user."""

    scope = "email_send"


class EmailChangeThrottle(AtomicRateThrottle):
    """Email-change requests per signed-in user."""

    scope = "email_change"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return f"throttle:{self.scope}:{user.pk}"
