"""Rules for profile values, shared by the model, the API and the admin."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.i18n import supported_languages
from core.reference import currency_codes


def validate_currency(value: str) -> None:
    """Accept an active ISO 4217 code (the caller upper-cases it first)."""
    if value not in currency_codes():
        raise ValidationError(
            _("%(value)s is not a supported currency code."),
            code="invalid_currency",
            params={"value": value},
        )


def validate_language(value: str) -> None:
    if value not in supported_languages():
        raise ValidationError(
            _("%(value)s is not a supported language."),
            code="invalid_language",
            params={"value": value},
        )


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Controls (Cc: tabs, newlines, NUL, escape, C1) and the line and paragraph separators
#: (Zl, Zp: U+2028 and U+2029, which break lines in browsers and JavaScript like ``\n``).
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


@deconstructible
class NoControlCharactersValidator:
    """Refuse control characters (tabs, newlines, NUL), line breaks and bidi overrides in a name.

    Other format characters stay allowed: the zero-width non-joiner is part of
    correctly written Persian and Urdu names, and the right-to-left mark is plain text.
    """

    message = _("This field cannot contain control characters.")
    code = "control_characters"

    def __call__(self, value: str) -> None:
        if any(
            unicodedata.category(char) in _CONTROL_CATEGORIES or char in _BIDI_CONTROLS
            for char in value
        ):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_no_control_characters = NoControlCharactersValidator()
