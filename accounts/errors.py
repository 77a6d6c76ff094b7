"""The conditions that account flows refuse, each with its status, message and code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from core.exceptions import ServiceError


class InvalidCredentials(ServiceError):
    """Unknown email, wrong password or inactive account: one answer for all three."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Invalid credentials")
    default_code = "invalid_credentials"
    message_key = "message"


class LockedOut(ServiceError, exceptions.Throttled):
    """Too many failed logins for this email: refused unchecked until the window passes.

    The answer is the same for registered and unknown emails. ``wait`` becomes the
    ``Retry-After`` header (DRF's handler adds it for any exception with a ``wait``).
    """

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed login attempts. Try again later.")
    default_code = "locked_out"

    def __init__(self, wait: int) -> None:
        # Throttled's own constructor would append "Expected available in N seconds".
        super().__init__()
        self.wait = wait


class CrossSiteRequest(exceptions.PermissionDenied):
    default_detail = _("Cross-site requests cannot do this.")
    default_code = "cross_site_request"


class EmailTaken(exceptions.ValidationError):
    def __init__(self) -> None:
        super().__init__(
            {"email": [_("A user with that email already exists.")]}, code="email_taken"
        )
