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
    def __init__(self, field: str = "email") -> None:
        super().__init__({field: [_("A user with that email already exists.")]}, code="email_taken")


class WrongPassword(exceptions.ValidationError):
    """The password given to confirm a sensitive change is not the account's."""

    def __init__(self, field: str = "password") -> None:
        super().__init__({field: [_("The password is not correct.")]}, code="wrong_password")


class InvalidLink(exceptions.ValidationError):
    """An emailed token or key that is forged, expired or already used."""

    def __init__(self, field: str = "key") -> None:
        super().__init__({field: [_("This link is invalid or has expired.")]}, code="invalid_link")


class SameEmail(exceptions.ValidationError):
    def __init__(self) -> None:
        super().__init__(
            {"new_email": [_("This is already your email address.")]}, code="same_email"
        )


class OnboardingIncomplete(exceptions.ValidationError):
    """Lists, one field error each, what the user still has to do before onboarding ends."""

    messages = {
        "first_name": _("Your first name is required to complete onboarding."),
        "last_name": _("Your last name is required to complete onboarding."),
        "email_verified": _("Your email address must be verified to complete onboarding."),
    }

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            {field: [self.messages[field]] for field in missing}, code="onboarding_incomplete"
        )
