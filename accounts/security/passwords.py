"""Password rules beyond Django's own validators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from core.exceptions import FieldErrors


class MaximumLengthValidator:
    """Refuse passwords longer than ``max_length``, so hashing cost stays bounded."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at most %(max_length)d character.",
            "Your password must contain at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


def validate_new_password(password: str, *, user: Any, field: str = "new_password") -> None:
    """Run Django's password validators for ``user``: the one strength check of the service.

    Raises:
        FieldErrors: The validators' messages and codes, on ``field``.
    """
    from django.contrib.auth import password_validation

    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise FieldErrors.from_validation_error(field, exc) from exc
