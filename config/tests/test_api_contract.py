"""The written contract (docs/api.md) and the OpenAPI schema name the same endpoints."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
# "`POST /auth/login/`", "`GET` or `POST /auth/logout/`"
_ENDPOINT = re.compile(
    r"`((?:GET|POST|PATCH|PUT|DELETE)(?:` or `(?:GET|POST|PATCH|PUT|DELETE))*) (/[^`\s]*)`"
)
# Served by the service but not part of the schema they describe.
OUTSIDE_THE_SCHEMA = {("GET", "/api/schema/"), ("GET", "/api/docs/")}


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def documented() -> set[tuple[str, str]]:
    text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    found = set()
    for methods, path in _ENDPOINT.findall(text):
        for method in re.findall("|".join(METHODS), methods):
            found.add((method, _normalise(path)))
    return found


def in_schema() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), _normalise(path))
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in METHODS
    }


def test_every_endpoint_of_the_schema_is_in_the_written_contract():
    assert in_schema() - documented() == set()


def test_every_endpoint_of_the_written_contract_exists():
    assert documented() - OUTSIDE_THE_SCHEMA - in_schema() == set()
