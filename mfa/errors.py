"""The conditions the second-factor layer refuses, each with a stable ``code``.

They are plain exceptions: this layer knows nothing of HTTP. The interfaces above it
(the API, the pages) map each ``code`` to a status and a message in the user's language.
"""

from __future__ import annotations


class MfaError(Exception):
    """Base of every refusal of this app; ``code`` names the condition and never changes."""

    code = "mfa_error"

    def __init__(self, reason: str = "") -> None:
        # ``reason`` is for logs and tests (why exactly it was refused); never show it to
        # the user, who learns only the code's message.
        super().__init__(reason or self.code)
        self.reason = reason


class InvalidCode(MfaError):
    """A TOTP or recovery code that is wrong, malformed, expired or already used."""

    code = "invalid_code"


class InvalidCredential(MfaError):
    """A passkey response that does not verify, is replayed, or names another account."""

    code = "invalid_credential"


class ChallengeExpired(MfaError):
    """A passkey response to a challenge older than its 5 minutes: ask for new options."""

    code = "challenge_expired"


class TotpAlreadyEnabled(MfaError):
    """An authenticator app is already on; it has to be turned off before another is set up."""

    code = "totp_already_enabled"


class TotpSetupExpired(MfaError):
    """No authenticator-app setup is pending, or it is older than its 10 minutes."""

    code = "totp_setup_expired"


class InvalidPasskeyName(MfaError):
    """A passkey name that is empty after trimming, too long, or has control characters."""

    code = "invalid_passkey_name"


class UnreadableSecret(Exception):
    """A stored secret that no configured key decrypts.

    Not a refusal of the user's input but a misconfiguration: ``SECRET_KEY`` was
    replaced without keeping the old one in ``SECRET_KEY_FALLBACKS`` until
    ``manage.py reencrypt_mfa_secrets`` had run. It is left to surface as a server error.
    """
