"""GET/POST /auth/logout/."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from accounts.models import UserSession
from conftest import BrowserClient

pytestmark = pytest.mark.django_db

LOGGED_OUT = {"message": "Successfully logged out"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_ends_the_session_on_the_server(logged_in, method):
    response = getattr(logged_in, method)("/auth/logout/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == LOGGED_OUT
    assert response.cookies["sessionid"].value == ""
    assert not UserSession.objects.exists()
    assert logged_in.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_a_copied_session_cookie_stops_working_after_logout(logged_in):
    copy = BrowserClient()
    copy.cookies["sessionid"] = logged_in.cookies["sessionid"].value
    assert copy.get("/auth/me/").status_code == HTTPStatus.OK

    logged_in.post("/auth/logout/")

    response = copy.get("/auth/me/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "not_authenticated"


def test_logout_by_post_requires_the_csrf_token(logged_in):
    logged_in.credentials()

    response = logged_in.post("/auth/logout/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "csrf_failed"
    assert UserSession.objects.count() == 1


def test_logout_by_get_from_another_site_is_refused(logged_in):
    response = logged_in.get("/auth/logout/", HTTP_SEC_FETCH_SITE="cross-site")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "cross_site_request"
    assert logged_in.get("/auth/me/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_SEC_FETCH_MODE": "no-cors"},  # <img>
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://evil.example.com"},
    ],
    ids=["image-on-a-sibling-subdomain", "fetch-from-an-untrusted-sibling"],
)
def test_logout_by_get_from_a_sibling_subdomain_without_a_trusted_origin_is_refused(
    logged_in, headers
):
    response = logged_in.get("/auth/logout/", **headers)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "cross_site_request"
    assert logged_in.get("/auth/me/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},  # the service's own pages
        {"HTTP_SEC_FETCH_SITE": "none"},  # an address typed by the user
        # The front end's own fetch: same-site, CORS, with its trusted Origin.
        {
            "HTTP_SEC_FETCH_SITE": "same-site",
            "HTTP_SEC_FETCH_MODE": "cors",
            "HTTP_ORIGIN": "http://localhost:3000",
        },
    ],
    ids=["same-origin", "typed", "front-end-fetch"],
)
def test_logout_by_get_from_the_service_the_front_end_or_a_typed_address_works(
    logged_in, headers, settings
):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]  # the front end's origin

    response = logged_in.get("/auth/logout/", **headers)

    assert response.status_code == HTTPStatus.OK
    assert logged_in.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_without_a_session_is_unauthorized(client, method):
    response = getattr(client, method)("/auth/logout/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_a_head_request_does_not_log_out(logged_in):
    response = logged_in.head("/auth/logout/")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert UserSession.objects.count() == 1
    assert logged_in.get("/auth/me/").status_code == HTTPStatus.OK
