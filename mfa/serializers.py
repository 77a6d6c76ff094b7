"""Request and response shapes of the second-factor endpoints.

Inputs refuse unknown keys and non-strings (``core.serializers``); outputs are the
shapes ``mfa.selectors`` builds, declared here for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.serializers import CredentialField
from accounts.validators import validate_no_control_characters
from core.serializers import InputSerializer, StrictCharField
from mfa.passkeys import NAME_MAX_LENGTH


class PasskeyNameField(StrictCharField):
    """A passkey's label: trimmed, at most 100 characters, no control characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)
        self.validators.append(validate_no_control_characters)


class TotpConfirmInput(InputSerializer):
    code = StrictCharField(max_length=64, help_text="Six digits shown by the app.")


class PasskeyCreateInput(InputSerializer):
    name = PasskeyNameField(help_text='What the user calls it ("Laptop", "Phone").')
    credential = CredentialField(
        required=True,
        help_text="The `PublicKeyCredential` from `navigator.credentials.create()` as JSON "
        "(`RegistrationResponseJSON`, binary fields base64url).",
    )


class PasskeyRenameInput(InputSerializer):
    name = PasskeyNameField()


class TotpSetupSerializer(serializers.Serializer[Any]):
    secret = serializers.CharField(help_text="Base32, for typing into the app by hand.")
    otpauth_uri = serializers.CharField(help_text="`otpauth://totp/...`, what the QR code holds.")
    qr_svg = serializers.CharField(help_text="A standalone SVG image of the QR code.")


class RecoveryCodesSerializer(serializers.Serializer[Any]):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Ten codes `xxxx-xxxx-xxxx`, each usable once; shown this once only.",
    )


def first_factor_recovery_codes(factor: str) -> serializers.ListField:
    """The ten codes that come with a user's first second factor, and only then."""
    return serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"Only when the {factor} is the user's first second factor: "
        "ten codes, shown once.",
    )


class TotpConfirmedSerializer(serializers.Serializer[Any]):
    recovery_codes = first_factor_recovery_codes("app")


class PasskeySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created = serializers.DateTimeField()
    last_used = serializers.DateTimeField(allow_null=True)


class PasskeyCreatedSerializer(PasskeySerializer):
    recovery_codes = first_factor_recovery_codes("passkey")


class TotpStatusSerializer(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()
    created = serializers.DateTimeField(allow_null=True)


class RecoveryCodeCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField(help_text="Codes in the current set (0 or 10).")
    unused = serializers.IntegerField(help_text="Codes of the set not used yet.")


class MfaSummarySerializer(serializers.Serializer[Any]):
    totp = TotpStatusSerializer()
    recovery_codes = RecoveryCodeCountsSerializer()
    passkeys = PasskeySerializer(many=True)
