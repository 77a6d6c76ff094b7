"""Serializers for the accounts application.

``UserSerializer`` is the one public shape of a user (and registration's input);
``UserUpdateSerializer`` is the profile update; each other action has its own input.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.flows.profile import update_profile
from accounts.flows.registration import register_user
from accounts.models import SecurityEvent, User
from accounts.validators import validate_currency, validate_language
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


def check_password_strength(password: str, user: User) -> None:
    """Run Django's password validators, reporting failures on the ``password`` field."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(
            {"password": serializers.as_serializer_error(exc)["non_field_errors"]}
        ) from exc


_DATETIME = serializers.DateTimeField()


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
        """The public shape, read straight from the user.

        ``ModelSerializer`` builds its fields from the model each time a serializer is
        made, which cost about a third of ``GET /auth/me/``; the output is the same (a
        test compares the two).
        """
        return {
            "id": instance.pk,
            "email": instance.email,
            "first_name": instance.first_name,
            "last_name": instance.last_name,
            "currency": instance.currency,
            "status": instance.status,
            "language": instance.language,
            "email_verified": instance.email_verified,
            "date_joined": _DATETIME.to_representation(instance.date_joined),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(**{key: value for key, value in attrs.items() if key != "password"})
        check_password_strength(attrs["password"], candidate)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        """Create a new user through the registration flow (which hashes the password).

        Args:
            validated_data: The data validated by the serializer.

        Returns:
            The newly created user instance.
        """
        return register_user(**validated_data)


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

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        return update_profile(user=instance, **validated_data)


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
    name = StrictCharField(max_length=100)


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
    security_events = serializers.ListField(child=serializers.DictField())
