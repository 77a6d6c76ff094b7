"""A request for a host the service does not serve: a 400 in JSON and one warning line."""

from __future__ import annotations

import logging
from http import HTTPStatus

import pytest
from django.utils import translation

from conftest import BrowserClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "method"),
    [("/auth/me/", "get"), ("/auth/login/", "post"), ("/admin/login/", "get"), ("/x/", "get")],
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "bad host!", "[::2]"])
def test_a_foreign_host_is_a_400_logged_as_one_warning_line(
    client: BrowserClient, caplog, path: str, method: str, host: str
) -> None:
    caplog.set_level(logging.DEBUG)

    response = getattr(client, method)(path, HTTP_HOST=host)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "Bad request.", "code": "parse_error"}
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in problems] == [
        ("django.security.DisallowedHost", "WARNING")
    ]
    (record,) = problems
    assert record.exc_info is None
    assert record.stack_info is None
    assert "\n" not in record.getMessage()
    assert "Traceback" not in caplog.text


def test_a_foreign_host_does_not_get_the_https_redirect(
    client: BrowserClient, settings, caplog
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/auth/me/", HTTP_HOST="evil.example")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Traceback" not in caplog.text


def test_the_refusal_speaks_the_language_of_accept_language(client: BrowserClient) -> None:
    with translation.override("ar"):
        arabic = translation.gettext("Bad request.")

    response = client.get("/auth/me/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.json()["detail"] == arabic != "Bad request."


def test_an_allowed_host_is_served(client: BrowserClient, caplog) -> None:
    response = client.get("/health/live/", HTTP_HOST="localhost")

    assert response.status_code == HTTPStatus.OK
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
