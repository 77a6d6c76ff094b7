"""The conditions the second-factor layer refuses, each with a stable ``code``.

They are the service's own errors (``core.exceptions.ServiceError``): this layer knows
nothing of HTTP; the API and the pages render them in the user's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import ServiceError


class MfaError(ServiceError):
    """Base of every refusal of this app; ``code`` names the condition and never changes."""

    default_code = "mfa_error"

    def __init__(self, reason: str = "", *, field: str | None = None) -> None:
        # ``reason`` is for logs and tests (why exactly it was refused); never show it to
        # the user, who learns only the code's message.
        super().__init__(field=field)
        self.reason = reason or self.default_code

    def __str__(self) -> str:
        return self.reason


class InvalidCode(MfaError):
    """A TOTP or recovery code that is wrong, malformed, expired or already used."""

    default_message = _("The code is not correct, or it was already used.")
    default_code = "invalid_code"
    default_field = "code"


class InvalidCredential(MfaError):
    """A passkey response that does not verify, is replayed, or names another account."""

    default_message = _("The passkey could not be verified.")
    default_code = "invalid_credential"
    default_field = "credential"


class ChallengeExpired(MfaError):
    """A passkey response to a challenge older than its 5 minutes: ask for new options."""

    default_message = _("The passkey request has expired. Try again.")
    default_code = "challenge_expired"
    default_field = "credential"


class TotpAlreadyEnabled(MfaError):
    """An authenticator app is already on; it has to be turned off before another is set up."""

    status_code = 409
    default_message = _("An authenticator app is already set up.")
    default_code = "totp_already_enabled"


class TotpSetupExpired(MfaError):
    """No authenticator-app setup is pending, or it is older than its 10 minutes."""

    default_message = _("Start the authenticator app setup again: it has expired.")
    default_code = "totp_setup_expired"
    default_field = "code"


class TotpNotEnabled(MfaError):
    """There is no authenticator app to turn off."""

    status_code = 404
    default_message = _("No authenticator app is set up.")
    default_code = "totp_not_enabled"


class SecondFactorNeeded(MfaError):
    """Recovery codes only back up another factor: without one, there is nothing to recover."""

    status_code = 409
    default_message = _(
        "Add an authenticator app or a passkey first: recovery codes only back them up."
    )
    default_code = "second_factor_needed"


class InvalidPasskeyName(MfaError):
    """A passkey name that is empty after trimming, too long, or has control characters."""

    default_message = _(
        "Give the passkey a name of at most 100 characters, without control characters."
    )
    default_code = "invalid_passkey_name"
    default_field = "name"


class UnreadableSecret(Exception):
    """A stored secret that no configured key decrypts.

    Not a refusal of the user's input but a misconfiguration: ``SECRET_KEY`` was
    replaced without keeping the old one in ``SECRET_KEY_FALLBACKS`` until
    ``manage.py reencrypt_mfa_secrets`` had run. It is left to surface as a server error.
    """
