"""Reference data behind the profile: the currencies and languages a user may choose.

Both lists come from maintained data packages, never from lists typed here: the
currency codes are the active ISO 4217 codes of the iso-codes data that pycountry ships
(:func:`currency_codes`, the very set that profile validation accepts), and names,
symbols, digits and text direction come from CLDR through babel. The lists change only
when those packages are upgraded, so each is built once per language and process, on
first use: a worker that never serves them never loads the data.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.utils import translation

from core.i18n import supported_languages

if TYPE_CHECKING:
    from babel import Locale

# CLDR's symbol for "no particular currency"; a client should show the code instead.
_GENERIC_CURRENCY_SIGN = "\u00a4"


class Currency(TypedDict):
    code: str
    name: str
    digits: int
    symbol: str | None


class Language(TypedDict):
    code: str
    name: str
    native_name: str
    direction: str


def reference_language() -> str:
    """Return the active language if it is supported, else the default one.

    Bounding the cache keys to the supported languages keeps the per-process cache at
    one entry per language whatever the requests say.
    """
    language = translation.get_language()
    return language if language in supported_languages() else settings.LANGUAGE_CODE


@functools.cache
def currency_codes() -> frozenset[str]:
    """Return every active ISO 4217 alphabetic code, from the maintained iso-codes data."""
    import pycountry

    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def _locale(language: str) -> Locale:
    from babel import Locale

    return Locale.parse(translation.to_locale(language))


def _currency_name(code: str, locale: Locale) -> str:
    import pycountry
    from babel.numbers import get_currency_name

    # CLDR names a few funds and units of account (CHE, CLF, XSU, ...) in English
    # only, and XAD not at all; the English name, then the ISO name, stand in.
    for candidate in (
        get_currency_name(code, locale=locale),
        get_currency_name(code, locale="en"),
    ):
        if candidate != code:
            return candidate
    currency = pycountry.currencies.get(alpha_3=code)
    return currency.name if currency is not None else code


def _currency_symbol(code: str, locale: Locale) -> str | None:
    from babel.numbers import get_currency_symbol

    symbol = get_currency_symbol(code, locale=locale)
    return None if symbol in {code, _GENERIC_CURRENCY_SIGN} else symbol


@functools.cache
def currencies(language: str) -> tuple[Currency, ...]:
    """Return every currency a profile accepts, named in ``language``, sorted by code.

    Args:
        language: A supported language code.

    Returns:
        ``code``; ``name`` in ``language``; ``digits``, the minor-unit digits CLDR
        uses to show amounts (0 for JPY, 3 for KWD); ``symbol`` in ``language``, or
        ``None`` where CLDR knows none but the code itself.
    """
    from babel.numbers import get_currency_precision

    locale = _locale(language)
    return tuple(
        Currency(
            code=code,
            name=_currency_name(code, locale),
            digits=get_currency_precision(code),
            symbol=_currency_symbol(code, locale),
        )
        for code in sorted(currency_codes())
    )


@functools.cache
def languages(language: str) -> tuple[Language, ...]:
    """Return the interface languages, in ``settings.LANGUAGES`` order.

    Args:
        language: A supported language code, the one ``name`` is written in.

    Returns:
        ``code``; ``name`` in ``language``; ``native_name``, the language's name for
        itself; ``direction``, ``ltr`` or ``rtl``, for laying out its text.
    """
    locale = _locale(language)
    return tuple(
        Language(
            code=code,
            # Babel knows the name of every locale it can load, so never ``None`` here.
            name=cast("str", _locale(code).get_display_name(locale)),
            native_name=cast("str", _locale(code).get_display_name(_locale(code))),
            direction=_locale(code).text_direction,
        )
        for code in supported_languages()
    )


@functools.cache
def etag(kind: str, language: str) -> str:
    """Return a strong ETag for one reference list in one language."""
    data = {"currencies": currencies, "languages": languages}[kind](language)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:32]}"'
