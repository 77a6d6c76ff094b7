"""The request limits of ``accounts.security.limits``, as Django REST framework throttles.

Each class names a scope and what it counts per; the counting and the refusal are
``accounts.security.limits.check``, which the account pages call too, so the API and
the pages share every counter. DRF runs every throttle of a view, then answers 429 with
the longest wait in ``Retry-After`` (``core.errors`` renders it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from accounts.security import limits
from core.exceptions import RateLimited


class LimitThrottle(BaseThrottle):
    """One limit of ``accounts.security.limits``: its scope, counted per :meth:`ident`."""

    scope: ClassVar[str]
    retry_after: int | None = None

    def ident(self, request: Request) -> str | None:
        """Whom this request counts against; ``None`` counts nothing."""
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            limits.check(self.scope, self.ident(request))
        except RateLimited as exc:
            self.retry_after = exc.retry_after
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after


class AddressRateThrottle(LimitThrottle):
    """Counts per client address: an IPv4 address, or an IPv6 /64 (``core.client``)."""

    def ident(self, request: Request) -> str | None:
        return limits.by_address(request._request)


class EmailRateThrottle(LimitThrottle):
    """Counts per email in the request body, whether or not it is registered."""

    def ident(self, request: Request) -> str | None:
        data = request.data
        return limits.by_email(data.get("email") if isinstance(data, Mapping) else None)


class LoginRequestThrottle(AddressRateThrottle):
    """Login requests per address, for the sign-in steps that check no password.

    A password sign-in (the API login, token creation) counts the same limit at the
    sign-in gate instead, with its failure counts in one step (``accounts.backends``).
    """

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

    def ident(self, request: Request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return limits.by_email(user.email)
        return super().ident(request)


class EmailSendingAddressThrottle(AddressRateThrottle):
    """Requests per address to the endpoints that send email for a signed-in user."""

    scope = "email_send"


class EmailChangeThrottle(LimitThrottle):
    """Email-change requests per signed-in user."""

    scope = "email_change"

    def ident(self, request: Request) -> str | None:
        return limits.by_account(getattr(request, "user", None))
