"""Messages come in the user's stored language, else the request's, else English."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.tests.factories import PASSWORD, UserFactory

if TYPE_CHECKING:
    from conftest import BrowserClient

pytestmark = pytest.mark.django_db

LARGE_BODY = '{"first_name": "' + "x" * 70_000 + '"}'


# What a failing request of each endpoint family answers: status and body.
Answers = dict[str, tuple[int, dict[str, Any]]]


def _errors(client: BrowserClient, **headers: Any) -> Answers:
    """Call one failing request of every endpoint family; return status and body of each."""
    answers = {
        "register": client.post(
            "/auth/", {"email": "not-an-email", "password": "123"}, format="json", **headers
        ),
        "login": client.post(
            "/auth/login/", {"email": "nobody@example.com", "password": "x"}, "json", **headers
        ),
        "401": client.get("/auth/me/", **headers),
        "404": client.get("/no/such/page/", **headers),
        "405": client.put("/auth/login/", {}, format="json", **headers),
        "413": client.post("/auth/login/", LARGE_BODY, content_type="application/json", **headers),
        "415": client.post("/auth/login/", "email=x", content_type="text/plain", **headers),
        "malformed": client.post("/auth/login/", "{", content_type="application/json", **headers),
    }
    return {name: (response.status_code, response.json()) for name, response in answers.items()}


ENGLISH: Answers = {
    "register": (
        HTTPStatus.BAD_REQUEST,
        {
            "email": ["Enter a valid email address."],
            "codes": {"email": ["invalid"]},
        },
    ),
    "login": (
        HTTPStatus.UNAUTHORIZED,
        {"message": "Invalid credentials", "code": "invalid_credentials"},
    ),
    "401": (
        HTTPStatus.UNAUTHORIZED,
        {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"},
    ),
    "404": (HTTPStatus.NOT_FOUND, {"detail": "Not found.", "code": "not_found"}),
    "405": (
        HTTPStatus.METHOD_NOT_ALLOWED,
        {"detail": 'Method "PUT" not allowed.', "code": "method_not_allowed"},
    ),
    "413": (
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        {"detail": "The request body is too large.", "code": "payload_too_large"},
    ),
    "415": (
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        {
            "detail": 'Unsupported media type "text/plain" in request.',
            "code": "unsupported_media_type",
        },
    ),
    "malformed": (
        HTTPStatus.BAD_REQUEST,
        {"detail": "The body is not valid JSON (line 1, column 2).", "code": "parse_error"},
    ),
}

ARABIC: Answers = {
    "register": (
        HTTPStatus.BAD_REQUEST,
        {
            "email": ["يرجى إدخال عنوان بريد إلكتروني صحيح."],
            "codes": {"email": ["invalid"]},
        },
    ),
    "login": (
        HTTPStatus.UNAUTHORIZED,
        {"message": "بيانات الدخول غير صحيحة", "code": "invalid_credentials"},
    ),
    "401": (
        HTTPStatus.UNAUTHORIZED,
        {"detail": "لم يتم تزويد بيانات الدخول.", "code": "not_authenticated"},
    ),
    "404": (HTTPStatus.NOT_FOUND, {"detail": "غير موجود.", "code": "not_found"}),
    "405": (
        HTTPStatus.METHOD_NOT_ALLOWED,
        {"detail": 'الطريقة "PUT" غير مسموح بها.', "code": "method_not_allowed"},
    ),
    "413": (
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        {"detail": "حجم محتوى الطلب أكبر من المسموح به.", "code": "payload_too_large"},
    ),
    "415": (
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        {
            "detail": 'نوع المحتوى "text/plain" في الطلب غير مدعوم.',
            "code": "unsupported_media_type",
        },
    ),
    "malformed": (
        HTTPStatus.BAD_REQUEST,
        {"detail": "محتوى الطلب ليس JSON صالحًا (السطر 1، العمود 2).", "code": "parse_error"},
    ),
}


def test_an_anonymous_request_without_accept_language_gets_english(client: BrowserClient) -> None:
    client.fetch_csrf_token()

    assert _errors(client) == ENGLISH


def test_an_anonymous_request_in_arabic_gets_arabic(client: BrowserClient) -> None:
    client.fetch_csrf_token()

    assert _errors(client, HTTP_ACCEPT_LANGUAGE="ar-EG,ar;q=0.9,en;q=0.5") == ARABIC


def test_an_unsupported_accept_language_falls_back_to_english(client: BrowserClient) -> None:
    client.fetch_csrf_token()

    assert _errors(client, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9") == ENGLISH


def test_codes_are_the_same_in_every_language(client: BrowserClient) -> None:
    def codes(answers: Answers) -> dict[str, object]:
        return {
            name: (status, body.get("code", body.get("codes")))
            for name, (status, body) in answers.items()
        }

    assert codes(ENGLISH) == codes(ARABIC)


def test_the_response_names_its_language(client: BrowserClient) -> None:
    english = client.get("/auth/me/")
    arabic = client.get("/auth/me/", HTTP_ACCEPT_LANGUAGE="ar")

    assert (english["Content-Language"], arabic["Content-Language"]) == ("en", "ar")
    assert "Accept-Language" in arabic["Vary"]


@pytest.fixture
def arabic_client(client: BrowserClient) -> BrowserClient:
    """A browser signed in as a user whose stored language is Arabic, sending English."""
    user = UserFactory.create(language="ar")
    client.log_in(user.email)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_an_arabic_speaking_user_gets_arabic_from_every_endpoint_family(
    arabic_client: BrowserClient,
) -> None:
    profile = arabic_client.patch(
        "/auth/update_profile/",
        {"currency": "XYZ", "first_name": 7, "email": "x@example.com"},
        format="json",
    )
    not_found = arabic_client.get("/no/such/page/")
    wrong_method = arabic_client.delete("/auth/me/")
    too_large = arabic_client.patch(
        "/auth/update_profile/", LARGE_BODY, content_type="application/json"
    )
    wrong_type = arabic_client.patch("/auth/update_profile/", "x", content_type="text/plain")
    arabic_client.credentials()  # the X-CSRFToken header is gone
    csrf = arabic_client.patch("/auth/update_profile/", {}, format="json")

    assert (profile.status_code, profile.json()) == (
        HTTPStatus.BAD_REQUEST,
        {
            "email": ["لا يمكن تعيين هذا الحقل هنا."],
            "codes": {"email": ["not_allowed"]},
        },
    )
    assert (not_found.status_code, not_found.json()) == ARABIC["404"]
    assert (wrong_method.status_code, wrong_method.json()) == (
        HTTPStatus.METHOD_NOT_ALLOWED,
        {"detail": 'الطريقة "DELETE" غير مسموح بها.', "code": "method_not_allowed"},
    )
    assert (too_large.status_code, too_large.json()) == ARABIC["413"]
    assert (wrong_type.status_code, wrong_type.json()) == ARABIC["415"]
    assert (csrf.status_code, csrf.json()) == (
        HTTPStatus.FORBIDDEN,
        {"detail": "رمز CSRF مفقود أو غير صحيح.", "code": "csrf_failed"},
    )
    assert {
        response["Content-Language"]
        for response in (profile, not_found, wrong_method, too_large, wrong_type, csrf)
    } == {"ar"}


def test_an_arabic_speaking_user_gets_arabic_field_errors(arabic_client: BrowserClient) -> None:
    response = arabic_client.patch(
        "/auth/update_profile/", {"currency": "XYZ", "first_name": 7}, format="json"
    )

    assert (response.status_code, response.json()) == (
        HTTPStatus.BAD_REQUEST,
        {
            "first_name": ["ليس نصًا صالحًا."],
            "currency": ["XYZ ليس رمز عملة مدعومًا."],
            "codes": {"first_name": ["invalid"], "currency": ["invalid_currency"]},
        },
    )


def test_login_and_logout_messages_are_in_the_users_language(client: BrowserClient) -> None:
    user = UserFactory.create(language="ar")
    client.fetch_csrf_token()

    login = client.post("/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    client.credentials(HTTP_X_CSRFTOKEN=login.json()["csrf_token"])
    logout = client.post("/auth/logout/")

    assert (login.json()["message"], login["Content-Language"]) == ("تم تسجيل الدخول بنجاح", "ar")
    assert (logout.status_code, logout.json()) == (
        HTTPStatus.OK,
        {"message": "تم تسجيل الخروج بنجاح"},
    )


def test_an_english_speaking_user_gets_english_whatever_the_header(
    logged_in: BrowserClient,
) -> None:
    response = logged_in.patch(
        "/auth/update_profile/", {"currency": "XYZ"}, format="json", HTTP_ACCEPT_LANGUAGE="ar"
    )

    assert (response.status_code, response.json(), response["Content-Language"]) == (
        HTTPStatus.BAD_REQUEST,
        {
            "currency": ["XYZ is not a supported currency code."],
            "codes": {"currency": ["invalid_currency"]},
        },
        "en",
    )


def test_the_users_language_costs_no_query(client: BrowserClient) -> None:
    def queries_of_a_refused_update(language: str) -> int:
        client.log_in(UserFactory.create(language=language).email)
        client.get("/auth/me/")  # the session's last_seen is written at most every 5 min
        with CaptureQueriesContext(connection) as queries:
            response = client.patch("/auth/update_profile/", {"currency": "XYZ"}, format="json")
        assert response["Content-Language"] == language
        return len(queries)

    assert queries_of_a_refused_update("ar") == queries_of_a_refused_update("en")


def test_password_errors_of_registration_are_translated(client: BrowserClient) -> None:
    response = client.post(
        "/auth/",
        {"email": "ann@example.com", "password": "1234567"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ar",
    )

    assert (response.status_code, response.json()) == (
        HTTPStatus.BAD_REQUEST,
        {
            "password": [
                "كلمة المرور هذه قصيرة جدًا. يجب أن تحتوي على 8 أحرف على الأقل.",
                "كلمة المرور هذه شائعة جداً.",
                "كلمة المرور هذه تتكون من أرقام فقط.",
            ],
            "codes": {
                "password": [
                    "password_too_short",
                    "password_too_common",
                    "password_entirely_numeric",
                ]
            },
        },
    )


def test_no_language_outlives_its_request(arabic_client: BrowserClient) -> None:
    arabic_client.get("/auth/me/")

    assert translation.get_language() == "en"
