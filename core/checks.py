"""System checks of the service's own plumbing: its translations ship with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

Messages = dict[str | tuple[str, ...], str | tuple[str, ...]]


def _entries(catalog: Any) -> Messages:
    def form(value: Any) -> str | tuple[str, ...]:
        return value if isinstance(value, str) else tuple(value)

    return {form(message.id): form(message.string) for message in catalog if message.id}


def compiled_catalog_is_current(language: str, locale_path: Path) -> bool | None:
    """Whether ``django.mo`` of ``language`` says exactly what its ``django.po`` says.

    Returns None when there is no compiled catalog at all. Django reads only the ``.mo``,
    so a ``.mo`` behind its ``.po`` answers some messages in English.
    """
    directory = locale_path / language / "LC_MESSAGES"
    compiled, source = directory / "django.mo", directory / "django.po"
    if not compiled.is_file():
        return None
    if not source.is_file():
        return True  # shipped compiled only: nothing to be behind
    # Babel's catalog readers are loaded here, by the deploy check, never by a worker.
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as po, compiled.open("rb") as mo:
        return _entries(read_mo(mo)) == _entries(read_po(po))


@register(Tags.translation, deploy=True)
def check_compiled_catalogs(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Every language the service offers needs its compiled catalog, current with its source.

    The ``.mo`` files are committed, so any install of the code (``uv sync``, ``pip``, a
    container) has them; without one, users of that language would be answered in
    English, so a deployment must not start that way.
    """
    errors: list[CheckMessage] = []
    for language, _name in settings.LANGUAGES:
        if language == settings.LANGUAGE_CODE:
            continue  # the source language: messages are written in it
        for locale_path in map(Path, settings.LOCALE_PATHS):
            state = compiled_catalog_is_current(language, locale_path)
            directory = locale_path / language / "LC_MESSAGES"
            if state is None:
                errors.append(
                    Error(
                        f"The compiled catalog of {language!r} is missing: "
                        f"{directory / 'django.mo'} does not exist.",
                        hint="Install the service with its locale/ directory as committed, "
                        "or run `make catalogs`.",
                        id="core.E001",
                    )
                )
            elif not state:
                errors.append(
                    Error(
                        f"The compiled catalog of {language!r} ({directory / 'django.mo'}) "
                        "does not match its source, django.po.",
                        hint="Run `make catalogs` and commit the .mo file.",
                        id="core.E002",
                    )
                )
    return errors
