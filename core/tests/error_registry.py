"""Every error code the API can answer, with its messages in the active language.

The registry is collected from the code, not typed: the exception classes of DRF and
of the service's apps (DRF's ``APIException`` and the service's own ``ServiceError``,
which flows and mechanisms raise), the fields (and their validators) of every serializer, the
profile validators, Django's password validators and the JSON parser. Calling
``error_messages()`` under ``translation.override(language)`` gives the messages a
client would read in that language; the codes never depend on it.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers

from core.exceptions import RateLimited, ServiceError
from core.parsers import JSONParser
from core.serializers import KnownFieldsMixin

# The service's own apps: their ``errors`` and ``serializers`` modules are searched.
APPS = ("core", "accounts", "mfa")
_T = TypeVar("_T")
# Seconds used to render the throttling message in every Arabic plural form.
THROTTLE_WAITS = (0, 1, 2, 5, 30, 100)

ErrorMessage = tuple[str, str, str]  # (where it comes from, code, message)


def _import_app_modules() -> list[Any]:
    modules = []
    for app in APPS:
        for name in ("exceptions", "errors", "serializers"):
            try:
                modules.append(importlib.import_module(f"{app}.{name}"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.{name}":
                    raise
    return modules


def _is_ours_or_drf(cls: type) -> bool:
    return cls.__module__.split(".")[0] in {*APPS, "rest_framework"}


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _subclasses(cls: type[_T]) -> Iterator[type[_T]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _exception_messages() -> Iterator[ErrorMessage]:
    _import_app_modules()
    classes: list[type[exceptions.APIException]] = [
        exceptions.APIException,
        *_subclasses(exceptions.APIException),
    ]
    for cls in sorted({c for c in classes if _is_ours_or_drf(c)}, key=_name):
        if cls is exceptions.Throttled:
            continue  # core.errors answers it as core.exceptions.Throttled
        source = _name(cls)
        if issubclass(cls, exceptions.Throttled):
            for wait in THROTTLE_WAITS:
                throttled = cls(wait=wait)
                yield source, str(throttled.get_codes()), str(throttled.detail)
        try:
            exc = cls()
        except TypeError:
            # Needs arguments (MethodNotAllowed, UnsupportedMediaType): its template.
            yield source, cls.default_code, str(cls.default_detail)
            continue
        yield from _flatten(source, exc.detail, exc.get_codes())


def _service_error_messages() -> Iterator[ErrorMessage]:
    """The messages of every ``ServiceError`` of the service's apps, as they render."""
    _import_app_modules()
    classes: set[type[ServiceError]] = {ServiceError, *_subclasses(ServiceError)}
    for cls in sorted((c for c in classes if _is_ours_or_drf(c)), key=_name):
        source = _name(cls)
        yield source, cls.default_code, str(cls.default_message)
        if issubclass(cls, RateLimited):
            for wait in THROTTLE_WAITS:
                yield source, cls.default_code, str(cls(wait).message)
        # Errors that list several messages under one code (``OnboardingIncomplete``).
        for message in getattr(cls, "messages", {}).values():
            yield source, cls.default_code, str(message)


def _flatten(source: str, detail: Any, codes: Any) -> Iterator[ErrorMessage]:
    if isinstance(detail, dict):
        for key in detail:
            yield from _flatten(f"{source}[{key}]", detail[key], codes[key])
    elif isinstance(detail, list):
        for item, code in zip(detail, codes, strict=True):
            yield from _flatten(source, item, code)
    else:
        yield source, str(codes), str(detail)


def _input_serializer_classes() -> list[type[serializers.Serializer[Any]]]:
    """Every request body serializer: the house rule bases them all on KnownFieldsMixin."""
    found = []
    for module in _import_app_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, KnownFieldsMixin)
                and issubclass(value, serializers.Serializer)
                and value.__module__ == module.__name__
                and (hasattr(value, "Meta") or not issubclass(value, serializers.ModelSerializer))
            ):
                found.append(value)
    return sorted(set(found), key=_name)


def _field_messages() -> Iterator[ErrorMessage]:
    for cls in _input_serializer_classes():
        serializer = cls()
        source = _name(cls)
        for code, message in sorted(serializer.error_messages.items()):
            yield source, code, str(message)
        if hasattr(serializer, "unknown_field_message"):
            yield source, "not_allowed", str(serializer.unknown_field_message)
        for name, field in serializer.fields.items():
            if field.read_only:
                continue
            for code, message in sorted(field.error_messages.items()):
                yield f"{source}.{name}", code, str(message)
            for validator in field.validators:
                validator_message = getattr(validator, "message", None)
                validator_code = getattr(validator, "code", None)
                if validator_message is not None and validator_code is not None:
                    yield f"{source}.{name}", validator_code, str(validator_message)


def _raised(source: str, call: Callable[[], Any]) -> Iterator[ErrorMessage]:
    try:
        call()
    except DjangoValidationError as exc:
        for error in exc.error_list:
            yield source, str(error.code), str(error.message % (error.params or {}))
    except exceptions.APIException as exc:
        yield from _flatten(source, exc.detail, exc.get_codes())
    else:
        raise AssertionError(f"{source} accepted a sample meant to fail")


def _validator_messages() -> Iterator[ErrorMessage]:
    from accounts.models import User
    from accounts.validators import (
        validate_currency,
        validate_language,
        validate_no_control_characters,
    )

    yield from _raised("validate_currency", lambda: validate_currency("XYZ"))
    yield from _raised("validate_language", lambda: validate_language("xx"))
    no_controls = validate_no_control_characters
    yield from _raised("validate_no_control_characters", lambda: no_controls("\t"))

    user = User(email="ann.lee@example.com", first_name="Annabel", last_name="Leeward")
    samples = ["a1", "password", "80414317", "ann.lee@example.com", "x" * 300]
    for validator in password_validation.get_default_password_validators():
        source = type(validator).__qualname__
        failures = []
        for sample in samples:
            try:
                validator.validate(sample, user)
            except DjangoValidationError as exc:
                failures.append(exc)
        assert failures, f"no sample fails {source}"
        for failure in failures:
            for error in failure.error_list:
                yield source, str(error.code), str(error.message % (error.params or {}))


def _parser_messages() -> Iterator[ErrorMessage]:
    def parse(body: bytes) -> Callable[[], Any]:
        return lambda: JSONParser().parse(io.BytesIO(body), "application/json", {})

    yield from _raised("JSONParser (syntax)", parse(b'{"email": '))
    yield from _raised("JSONParser (encoding)", parse(b'"\xff"'))
    yield from _raised("JSONParser (nesting)", parse(b"[" * 200_000))


def error_messages() -> list[ErrorMessage]:
    """Return ``(source, code, message)`` for every error, messages in the active language."""
    # Not deduplicated: the lists of two languages are compared entry by entry.
    return [
        *_exception_messages(),
        *_service_error_messages(),
        *_field_messages(),
        *_validator_messages(),
        *_parser_messages(),
    ]


def success_messages() -> list[str]:
    """The seed's ``message`` strings that are not errors, in the active language."""
    from django.utils.translation import gettext

    return [gettext("Login successful"), gettext("Successfully logged out")]


def language_names() -> list[str]:
    return [str(name) for _code, name in settings.LANGUAGES]
