"""The conditions that account flows refuse, each with its status, message and code.

Plain exceptions (``core.exceptions.ServiceError``): flows raise them without knowing
who asked; ``core.errors`` answers them as JSON and the account pages as form errors.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import FieldErrors, RateLimited, ServiceError


class InvalidCredentials(ServiceError):
    """Unknown email, wrong password or inactive account: one answer for all three."""

    status_code = 401
    default_message = _("Invalid credentials")
    default_code = "invalid_credentials"
    message_key = "message"


class LockedOut(ServiceError):
    """Too many failed logins for this email: refused unchecked until the window passes.

    The answer is the same for registered and unknown emails.
    """

    status_code = 429
    default_message = _("Too many failed login attempts. Try again later.")
    default_code = "locked_out"

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after=retry_after)


class TooManyFailures(RateLimited):
    """Too many failed password checks from this client address: refused unchecked."""


class EmailTaken(ServiceError):
    default_message = _("A user with that email already exists.")
    default_code = "email_taken"
    default_field = "email"


class WrongPassword(ServiceError):
    """The password given to confirm a sensitive change is not the account's."""

    default_message = _("The password is not correct.")
    default_code = "wrong_password"
    default_field = "password"


class InvalidLink(ServiceError):
    """An emailed token or key that is forged, expired or already used."""

    default_message = _("This link is invalid or has expired.")
    default_code = "invalid_link"
    default_field = "key"


class SameEmail(ServiceError):
    default_message = _("This is already your email address.")
    default_code = "same_email"
    default_field = "new_email"


class OnboardingIncomplete(FieldErrors):
    """Lists, one field error each, what the user still has to do before onboarding ends."""

    default_code = "onboarding_incomplete"
    messages = {
        "first_name": _("Your first name is required to complete onboarding."),
        "last_name": _("Your last name is required to complete onboarding."),
        "email_verified": _("Your email address must be verified to complete onboarding."),
    }

    def __init__(self, missing: list[str]) -> None:
        super().__init__({field: [(self.messages[field], self.default_code)] for field in missing})


class ReauthenticationLocked(ServiceError):
    """Too many wrong passwords or codes from a signed-in user: re-checks wait a while.

    A stolen session or token must not become a way to guess the password.
    """

    status_code = 429
    default_message = _("Too many wrong passwords or codes. Try again later.")
    default_code = "reauthentication_locked"

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after=retry_after)


class SecondFactorRequired(ServiceError):
    """The password was right; a second factor must follow (``POST /auth/mfa/authenticate/``).

    Nothing was started. ``mfa_token`` names the pending sign-in; ``methods`` lists the
    second factors the user can answer with.
    """

    status_code = 401
    default_message = _("Confirm it is you with your second factor.")
    default_code = "mfa_required"
    message_key = "message"

    def __init__(self, *, mfa_token: str, methods: list[str]) -> None:
        super().__init__()
        self.extra = {"mfa_token": mfa_token, "methods": methods}


class InvalidMfaToken(ServiceError):
    """The pending sign-in is unknown, expired, used, voided or another client's."""

    status_code = 401
    default_message = _("This sign-in has expired. Sign in again.")
    default_code = "invalid_mfa_token"
    message_key = "message"


class ReauthenticationRequired(ServiceError):
    """A sensitive action needs a proof of identity from the last minutes.

    ``methods`` lists what the user can prove themselves with at
    ``POST /auth/reauthenticate/`` (the password, and their second factors).
    """

    status_code = 401
    default_message = _("Confirm it is you to continue.")
    default_code = "reauthentication_required"

    def __init__(self, *, methods: list[str]) -> None:
        super().__init__()
        self.extra = {"methods": methods}


class PasswordRequired(ServiceError):
    """A re-authentication without the password (or a passkey), for a user who has one."""

    default_message = _("This field is required.")
    default_code = "required"
    default_field = "password"


class SecondFactorMissing(ServiceError):
    """A re-authentication of a user with a second factor that brings none."""

    default_message = _("Enter a code from your authenticator app or a recovery code.")
    default_code = "mfa_required"
    default_field = "code"
