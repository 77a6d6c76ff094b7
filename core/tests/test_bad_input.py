"""Bad input always gets a 4xx JSON answer and changes nothing."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def post_raw(client, path, body: bytes | str, content_type="application/json"):
    return client.generic("POST", path, body, content_type=content_type)


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "ann@example.com", "password": ',
        b"\xff\xfe not utf-8",
        b'{"email": NaN}',
        b"[" * 30_000 + b"]" * 30_000,
    ],
    ids=["truncated", "not-utf8", "nan", "deeply-nested"],
)
def test_malformed_json_is_a_400(client, body):
    response = post_raw(client, "/auth/", body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "parse_error"
    assert not User.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"ann"', "42", "null"])
def test_a_json_document_that_is_not_an_object_is_a_400(client, body):
    response = post_raw(client, "/auth/", body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", 12345),
        ("email", True),
        ("email", {"a": 1}),
        ("password", 12345678901),
        ("password", ["x"]),
        ("currency", 1.5),
    ],
)
def test_wrong_json_types_are_field_errors(client, field, value):
    body = {"email": "ann@example.com", "password": PASSWORD, field: value}

    response = post_raw(client, "/auth/", json.dumps(body))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["codes"]
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["email", "password", "first_name", "last_name", "currency"])
def test_nul_bytes_are_refused(client, field):
    body = {"email": "ann@example.com", "password": PASSWORD}
    body[field] = body.get(field, "Ann") + "\u0000"

    response = post_raw(client, "/auth/", json.dumps(body))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["codes"]
    assert not User.objects.exists()


def test_over_long_strings_are_refused(client):
    body = {"email": "ann@example.com", "password": PASSWORD, "first_name": "A" * 20_000}

    response = post_raw(client, "/auth/", json.dumps(body))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["codes"]["first_name"] == ["max_length"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("email=ann%40example.com&password=x", "application/x-www-form-urlencoded"),
        ("email=ann@example.com", "text/plain"),
        (
            '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nann@example.com\r\n--b--',
            "multipart/form-data; boundary=b",
        ),
    ],
)
def test_non_json_bodies_are_refused_with_415(client, body, content_type):
    response = post_raw(client, "/auth/", body, content_type=content_type)

    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert response.json()["code"] == "unsupported_media_type"
    assert not User.objects.exists()


def test_json_with_a_charset_is_accepted(client):
    body = json.dumps({"email": "ann@example.com", "password": PASSWORD})

    response = post_raw(client, "/auth/", body, content_type="application/json; charset=utf-8")

    assert response.status_code == HTTPStatus.CREATED


def test_a_body_over_64_kib_is_refused_with_413(client):
    body = json.dumps({"email": "ann@example.com", "password": PASSWORD, "pad": "x" * 100_000})

    response = post_raw(client, "/auth/", body)

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {
        "detail": "The request body is too large.",
        "code": "payload_too_large",
    }
    assert not User.objects.exists()


def test_a_form_post_from_another_site_cannot_log_in(client, user):
    """A plain HTML form can only send form encodings: refused before anything runs."""
    client.fetch_csrf_token()

    response = post_raw(
        client,
        "/auth/login/",
        f"email={user.email}&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.UNSUPPORTED_MEDIA_TYPE}
    assert "sessionid" not in response.cookies


def test_bad_input_on_update_profile_changes_nothing(logged_in, user):
    response = logged_in.generic(
        "PATCH", "/auth/update_profile/", b'{"first_name": "Eve",', content_type="application/json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert User.objects.get(pk=user.pk).first_name == "Ann"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/auth/", '{"email": "\\ud800@example.com", "password": "long-enough-1"}', "email"),
        ("/auth/reset_password/", '{"email": "\\ud800@example.com"}', "email"),
        ("/auth/tokens/", '{"email": "a@b.co", "password": "\\ud800", "name": "n"}', "password"),
        ("/auth/verify_email/", '{"key": "\\ud800"}', "key"),
    ],
)
def test_a_lone_surrogate_in_a_string_is_a_field_error(client, path, body, field):
    response = post_raw(client, path, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "surrogate_characters_not_allowed" in response.json()["codes"][field]
