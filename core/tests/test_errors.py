"""Every error is JSON: unknown URLs, wrong methods, server errors."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("boom")


urlpatterns = [path("explode/", explode)]
handler500 = "core.errors.server_error"


@pytest.mark.parametrize("url", ["/nope/", "/auth/nope/", "/auth/login", "/static/nope.js", "/"])
def test_unknown_urls_get_a_json_404(client, url):
    response = client.get(url)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_unsafe_request_to_an_unknown_url_is_a_json_404_not_a_csrf_page(client):
    response = client.post("/nope/", {}, format="json")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"


def test_a_wrong_method_is_a_json_405(client):
    response = client.delete("/auth/csrf/")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["code"] == "method_not_allowed"


def test_a_server_error_is_json_without_a_stack_trace(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    response = client.get("/explode/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error.", "code": "server_error"}
    assert b"boom" not in response.content
    assert b"Traceback" not in response.content


def test_a_disallowed_host_is_a_json_400():
    response = Client().get("/auth/csrf/", HTTP_HOST="evil.example")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/auth/"),
        ("put", "/auth/login/"),
        ("delete", "/auth/me/"),
        ("post", "/auth/sessions/"),
    ],
)
def test_an_unserved_method_is_a_405_even_without_credentials(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"]
