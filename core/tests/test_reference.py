"""``/meta/``: the reference data that profile validation uses, in the client's language."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest

from accounts.tests.factories import UserFactory
from core.reference import currency_codes

if TYPE_CHECKING:
    from pytest_django import DjangoAssertNumQueries

    from conftest import BrowserClient

pytestmark = pytest.mark.django_db


def test_currencies_are_every_code_the_profile_accepts(client: BrowserClient) -> None:
    response = client.get("/meta/currencies/")

    assert response.status_code == HTTPStatus.OK
    codes = [currency["code"] for currency in response.json()]
    assert codes == sorted(currency_codes())
    assert {"EGP", "USD", "EUR", "SAR", "JPY"} <= set(codes)


def test_currencies_carry_name_digits_and_symbol(client: BrowserClient) -> None:
    english = {c["code"]: c for c in client.get("/meta/currencies/").json()}
    arabic = {
        c["code"]: c for c in client.get("/meta/currencies/", HTTP_ACCEPT_LANGUAGE="ar").json()
    }

    assert english["USD"] == {"code": "USD", "name": "US Dollar", "digits": 2, "symbol": "$"}
    assert english["EGP"] == {"code": "EGP", "name": "Egyptian Pound", "digits": 2, "symbol": None}
    assert english["JPY"]["digits"] == 0
    assert english["KWD"]["digits"] == 3
    assert arabic["EGP"] == {
        "code": "EGP",
        "name": "جنيه مصري",
        "digits": 2,
        "symbol": "ج.م.\u200f",
    }
    assert all(currency["name"] for currency in arabic.values())


def test_every_listed_currency_is_accepted_by_the_profile(logged_in: BrowserClient) -> None:
    codes = [currency["code"] for currency in logged_in.get("/meta/currencies/").json()]

    refused = {}
    for code in codes:
        response = logged_in.patch(
            "/auth/update_profile/", {"currency": code.lower()}, format="json"
        )
        if response.status_code != HTTPStatus.OK or response.json()["currency"] != code:
            refused[code] = response.json()
    assert refused == {}


@pytest.mark.parametrize("code", ["XYZ", "EGPP", "egp1", "DEM", "EG", "", "XEU", "ZWL"])
def test_a_currency_not_listed_is_refused(logged_in: BrowserClient, code: str) -> None:
    listed = {currency["code"] for currency in logged_in.get("/meta/currencies/").json()}
    response = logged_in.patch("/auth/update_profile/", {"currency": code}, format="json")

    assert code.upper() not in listed
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["currency", "codes"]


def test_languages_are_named_in_the_clients_language(client: BrowserClient) -> None:
    english = client.get("/meta/languages/")
    arabic = client.get("/meta/languages/", HTTP_ACCEPT_LANGUAGE="ar")

    assert (english.status_code, english.json()) == (
        HTTPStatus.OK,
        [
            {"code": "en", "name": "English", "native_name": "English", "direction": "ltr"},
            {"code": "ar", "name": "Arabic", "native_name": "العربية", "direction": "rtl"},
        ],
    )
    assert arabic.json() == [
        {"code": "en", "name": "الإنجليزية", "native_name": "English", "direction": "ltr"},
        {"code": "ar", "name": "العربية", "native_name": "العربية", "direction": "rtl"},
    ]


def test_every_listed_language_is_accepted_by_the_profile(logged_in: BrowserClient) -> None:
    for language in logged_in.get("/meta/languages/").json():
        response = logged_in.patch(
            "/auth/update_profile/", {"language": language["code"]}, format="json"
        )
        assert (response.status_code, response.json()["language"]) == (
            HTTPStatus.OK,
            language["code"],
        )


def test_a_signed_in_users_language_names_the_reference_data(client: BrowserClient) -> None:
    client.log_in(UserFactory.create(language="ar").email)

    response = client.get("/meta/languages/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()[0]["name"] == "الإنجليزية"
    assert response["Cache-Control"] == "private, max-age=86400"


def test_reference_data_is_cacheable_and_revalidates(client: BrowserClient) -> None:
    first = client.get("/meta/currencies/")
    again = client.get("/meta/currencies/", HTTP_IF_NONE_MATCH=first["ETag"])
    arabic = client.get("/meta/currencies/", HTTP_ACCEPT_LANGUAGE="ar")

    assert first["Cache-Control"] == "public, max-age=86400"
    assert {"Accept-Language", "Authorization", "Cookie"} <= {
        part.strip() for part in first["Vary"].split(",")
    }
    assert (again.status_code, again.content, again["ETag"]) == (
        HTTPStatus.NOT_MODIFIED,
        b"",
        first["ETag"],
    )
    assert arabic["ETag"] != first["ETag"]


def test_reference_data_needs_no_query_for_an_anonymous_client(
    client: BrowserClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        client.get("/meta/currencies/")
        client.get("/meta/languages/")


def test_the_docs_page_is_marked_with_the_language_and_direction(client: BrowserClient) -> None:
    english = client.get("/api/docs/").content.decode()
    arabic = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert '<html lang="en" dir="ltr">' in english
    assert "<title>Accounts API</title>" in english
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "<title>واجهة برمجة الحسابات</title>" in arabic
