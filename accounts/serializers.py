"""Serializers for the accounts application.

``UserSerializer`` is the one public shape of a user (and registration's input);
``UserUpdateSerializer`` is the profile update; each other action has its own input.
Serializers check the shape of a request; the rules live in the flows the views call.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts import representation
from accounts.models import SecurityEvent, User
from accounts.validators import (
    validate_currency,
    validate_language,
    validate_no_control_characters,
)
from core.serializers import (
    InputSerializer,
    StrictCharField,
    StrictEmailField,
    StrictModelSerializer,
)


class CurrencyField(StrictCharField):
    """An ISO 4217 code, accepted in any case and stored upper-case."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)
        self.validators.append(validate_currency)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data).upper()


class LanguageField(StrictCharField):
    """One of the supported interface languages."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.validators.append(validate_language)


class PasswordField(StrictCharField):
    """A password as typed: never trimmed, never echoed, bounded before hashing."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", settings.PASSWORD_MAX_LENGTH)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(**kwargs)


class UserSerializer(StrictModelSerializer[User]):
    """Serializer for user registration and profile retrieval.

    Its output is the public representation of a user: never the password hash, never
    the staff flags.
    """

    password = PasswordField()
    currency = CurrencyField(required=False)
    language = LanguageField(required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "password",
            "first_name",
            "last_name",
            "currency",
            "status",
            "language",
            "email_verified",
            "date_joined",
        ]
        read_only_fields = ["id", "status", "email_verified", "date_joined"]
        # Uniqueness is decided by the database constraint inside the registration
        # flow, which also covers concurrent requests; a validator would only race it.
        extra_kwargs: dict[str, dict[str, Any]] = {"email": {"validators": []}}

    def to_representation(self, instance: User) -> dict[str, Any]:
        """The public shape (``accounts.representation.public_user``), read straight from the user.

        ``ModelSerializer`` builds its fields from the model each time a serializer is
        made, which cost about a third of ``GET /auth/me/``; the output is the same (a
        test compares the two).
        """
        return representation.public_user(instance)


class UserUpdateSerializer(StrictModelSerializer[User]):
    """Serializer for partial profile updates.

    Allows updating names, currency and language; any other field sent (email,
    password, status, staff flags) is refused with a field error.
    """

    currency = CurrencyField(required=False)
    language = LanguageField(required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "currency", "language"]


class LoginInput(InputSerializer):
    email = StrictCharField(max_length=254)
    password = PasswordField()


class CsrfTokenSerializer(serializers.Serializer[Any]):
    csrf_token = serializers.CharField()


class MessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()


class LoginOutput(MessageSerializer):
    user = UserSerializer()
    csrf_token = serializers.CharField()


class TokenCreateInput(InputSerializer):
    email = StrictCharField(max_length=254)
    password = PasswordField()
    name = StrictCharField(max_length=100, validators=[validate_no_control_characters])


class TokenCreatedSerializer(serializers.Serializer[Any]):
    """The answer to token creation: the only time the secret is ever shown."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    token = serializers.CharField()
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField()


class TokenSerializer(serializers.Serializer[Any]):
    """A token in the list: enough to recognise it and revoke it, never its secret."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The first characters of the secret.")
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField()
    last_used = serializers.DateTimeField(
        allow_null=True, help_text="Accurate to within a few minutes."
    )


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    created = serializers.DateTimeField()
    last_seen = serializers.DateTimeField(help_text="Accurate to within a few minutes.")
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    current = serializers.BooleanField(help_text="Whether this is the session of the request.")


class SecurityEventSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=SecurityEvent.Type.choices)
    created = serializers.DateTimeField()
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()


class KeyField(StrictCharField):
    """A key or token copied from an emailed link."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 512)
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)


class VerifyEmailInput(InputSerializer):
    key = KeyField()


class ChangePasswordInput(InputSerializer):
    current_password = PasswordField()
    new_password = PasswordField()


class ResetPasswordInput(InputSerializer):
    email = StrictEmailField(max_length=254)


class ResetPasswordConfirmInput(InputSerializer):
    uid = KeyField(max_length=64)
    token = KeyField(max_length=128)
    new_password = PasswordField()


class ChangeEmailInput(InputSerializer):
    new_email = StrictEmailField(max_length=254)
    password = PasswordField()


class ConfirmEmailChangeInput(InputSerializer):
    key = KeyField()


class PasswordInput(InputSerializer):
    password = PasswordField()


class ExportSerializer(serializers.Serializer[Any]):
    """The shape of ``GET /auth/export/`` (documentation only)."""

    exported_at = serializers.DateTimeField()
    profile = serializers.DictField()
    sessions = serializers.ListField(child=serializers.DictField())
    tokens = serializers.ListField(child=serializers.DictField())
    second_factors = serializers.DictField(
        help_text="As `GET /auth/mfa/`: the authenticator app, recovery code counts, passkeys."
    )
    security_events = serializers.ListField(child=serializers.DictField())


class CodeField(StrictCharField):
    """A code as typed (an authenticator app's six digits, a recovery code)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class CredentialField(serializers.DictField):
    """A WebAuthn ``PublicKeyCredential`` as JSON (binary fields in base64url)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class MfaTokenInput(InputSerializer):
    mfa_token = StrictCharField(max_length=128)


class SecondStepInput(MfaTokenInput):
    """One of ``code``, ``recovery_code`` or ``credential`` answers the pending sign-in."""

    code = CodeField()
    recovery_code = CodeField()
    credential = CredentialField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("code", "recovery_code", "credential") if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Give one of code, recovery_code or credential."), code="one_answer"
            )
        return attrs


class PasskeySignInInput(InputSerializer):
    credential = CredentialField(required=True)
    token_name = StrictCharField(
        max_length=100, required=False, validators=[validate_no_control_characters]
    )


class ReauthenticateInput(InputSerializer):
    password = PasswordField(required=False)
    code = CodeField()
    recovery_code = CodeField()
    credential = CredentialField()
