"""Every message the API can answer exists in every supported language.

English is the source language: messages are written in English in the code, so an
English "catalog" would only repeat them. The test for English checks exactly that:
no catalog changes an English message. Every other language must translate every
message, under the same codes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import cast

import pytest
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation
from rest_framework.settings import api_settings

from core.authentication import UserLanguageMixin
from core.checks import check_compiled_catalogs, compiled_catalog_is_current
from core.i18n import supported_languages
from core.tests.error_registry import error_messages, language_names, success_messages

TRANSLATED_LANGUAGES = [code for code in supported_languages() if code != settings.LANGUAGE_CODE]

# Messages that rightly read the same in a translation (none yet): (language, English).
SAME_IN_TRANSLATION: set[tuple[str, str]] = set()

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+(?::[^}]*)?\}")


def _catalog_path(language: str, suffix: str) -> Path:
    return settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / f"django.{suffix}"


def _tuple(value: str | tuple[str, ...] | list[str] | None) -> str | tuple[str, ...]:
    assert value is not None  # babel reads an untranslated message as ""
    return value if isinstance(value, str) else tuple(value)


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's id or string as its forms: one, or one per plural."""
    value = _tuple(value)
    return value if isinstance(value, tuple) else (value,)


def _messages_in(language: str | None) -> list[tuple[str, str, str]]:
    with translation.override(language):
        return error_messages()


def test_english_is_the_source_language_and_needs_no_catalog() -> None:
    assert not (settings.BASE_DIR / "locale" / "en").exists()
    assert _messages_in("en") == _messages_in(None)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_error_code_has_a_translated_message(language: str) -> None:
    english, translated = _messages_in("en"), _messages_in(language)

    assert [(source, code) for source, code, _ in translated] == [
        (source, code) for source, code, _ in english
    ], "codes must not depend on the language"
    untranslated = sorted(
        {
            (code, message)
            for (_, code, message), (_, _, other) in zip(english, translated, strict=True)
            if message == other and (language, message) not in SAME_IN_TRANSLATION
        }
    )
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_success_messages_and_language_names_are_translated(language: str) -> None:
    with translation.override("en"):
        english = success_messages() + language_names()
    with translation.override(language):
        translated = success_messages() + language_names()

    assert [pair for pair in zip(english, translated, strict=True) if pair[0] == pair[1]] == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_catalog_translates_every_string_of_the_code(language: str) -> None:
    with _catalog_path(language, "po").open("rb") as source:
        catalog = read_po(source)

    assert not catalog.fuzzy
    incomplete = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
            or (isinstance(message.id, tuple) and len(message.string) != catalog.num_plurals)
        )
    ]
    assert incomplete == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message(language: str) -> None:
    with _catalog_path(language, "po").open("rb") as source:
        catalog = read_po(source)

    broken = []
    for message in catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        strings = _forms(message.string)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        # Forms for exactly one number (Arabic's 0, 1 and 2) may spell the number out;
        # the last, general form must keep every placeholder.
        if set(PLACEHOLDER.findall(strings[-1])) != expected or any(
            not set(PLACEHOLDER.findall(form)) <= expected for form in strings
        ):
            broken.append(ids[0])
    assert broken == []


def test_arabic_has_six_plural_forms() -> None:
    with _catalog_path("ar", "po").open("rb") as source:
        assert read_po(source).num_plurals == 6


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language: str) -> None:
    """The .mo is committed beside its .po; a stale one means `make catalogs` was not run."""
    state = compiled_catalog_is_current(language, settings.BASE_DIR / "locale")

    assert state is True, "run `make catalogs` and commit the .mo files"


def test_the_deploy_check_passes_with_the_committed_catalogs() -> None:
    assert check_compiled_catalogs(None) == []
    call_command("check", "--deploy", "--tag", "translation")


def _copy_of_the_catalogs(tmp_path: Path, *, compiled: bool) -> Path:
    locale = tmp_path / "locale"
    shutil.copytree(settings.BASE_DIR / "locale", locale)
    if not compiled:
        for mo in locale.rglob("*.mo"):
            mo.unlink()
    return locale


def test_a_deployment_without_its_compiled_catalog_fails_check_deploy(settings, tmp_path) -> None:
    settings.LOCALE_PATHS = [_copy_of_the_catalogs(tmp_path, compiled=False)]

    assert [error.id for error in check_compiled_catalogs(None)] == ["core.E001"]
    with pytest.raises(SystemCheckError, match=r"core\.E001"):
        call_command("check", "--deploy", "--tag", "translation")
    call_command("check", "--tag", "translation")  # a deploy check only


def test_a_deployment_with_a_stale_compiled_catalog_fails_check_deploy(settings, tmp_path) -> None:
    locale = _copy_of_the_catalogs(tmp_path, compiled=True)
    source = locale / "ar" / "LC_MESSAGES" / "django.po"
    with source.open("rb") as po:
        catalog = read_po(po)
    catalog["Invalid credentials"].string = "كلمة مختلفة"
    with source.open("wb") as po:
        write_po(po, catalog)
    settings.LOCALE_PATHS = [locale]

    assert [error.id for error in check_compiled_catalogs(None)] == ["core.E002"]
    with pytest.raises(SystemCheckError, match=r"core\.E002"):
        call_command("check", "--deploy", "--tag", "translation")


def test_every_authentication_class_activates_the_users_language() -> None:
    assert [
        cls.__name__
        # DRF's settings import the dotted paths: the stubs see the strings, code gets classes.
        for cls in cast("list[type]", api_settings.DEFAULT_AUTHENTICATION_CLASSES)
        if not issubclass(cls, UserLanguageMixin)
    ] == []
