"""Serializer building blocks that hold every input to the API's rules.

DRF's ``CharField`` turns a JSON number into a string and serializers ignore keys
they do not know; both are refused here, so a client learns at once that it sent
something the API will not use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string field that accepts only JSON strings."""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(StrictCharField, serializers.EmailField):
    """An email address that must be a JSON string; trimmed and lower-cased.

    A non-string is answered like any other invalid address, under the same code.
    """

    default_error_messages = {"invalid": serializers.EmailField.default_error_messages["invalid"]}

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data).lower()


class StrictChoiceField(serializers.ChoiceField):
    """A choice that must be a JSON string."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


if TYPE_CHECKING:
    _SerializerBase = serializers.Serializer[Any]
else:
    _SerializerBase = object  # a mixin: the serializer it is mixed into comes later


_MT = TypeVar("_MT", bound=models.Model)


class KnownFieldsMixin(_SerializerBase):
    """Refuse, with a field error each, any key that the serializer does not accept.

    A client that sends ``is_staff`` or ``email`` where they are not writable learns so
    instead of having them silently dropped.
    """

    unknown_field_message = _("This field cannot be set here.")

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            serializers.ErrorDetail(str(self.unknown_field_message), "not_allowed")
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class InputSerializer(KnownFieldsMixin, serializers.Serializer[Any]):
    """Base for request bodies that are not a model."""


class StrictModelSerializer(KnownFieldsMixin, serializers.ModelSerializer[_MT]):
    """A ModelSerializer whose string fields refuse non-strings and unknown keys."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.TextField: StrictCharField,
    }
    serializer_choice_field = StrictChoiceField


class CurrencySerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="ISO 4217 alphabetic code, as `currency` takes it.")
    name = serializers.CharField(help_text="Name in the response's language.")
    digits = serializers.IntegerField(help_text="Digits after the decimal point (CLDR).")
    symbol = serializers.CharField(
        allow_null=True, help_text="Symbol in the response's language; null where none is known."
    )


class LanguageSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Code, as `language` takes it.")
    name = serializers.CharField(help_text="Name in the response's language.")
    native_name = serializers.CharField(help_text="The language's name for itself.")
    direction = serializers.ChoiceField(choices=["ltr", "rtl"], help_text="Text direction.")
