"""Security events: written by each action, listed to their owner, read-only for staff."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuthToken, SecurityEvent, User
from accounts.security.events import record_security_event
from accounts.security.tokens import issue_token
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db


def events(user: User | None) -> list[str]:
    return list(
        SecurityEvent.objects.filter(user=user).order_by("id").values_list("type", flat=True)
    )


def test_login_and_logout_are_recorded_with_address_and_agent(user: User) -> None:
    client = BrowserClient(HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="203.0.113.9")
    client.log_in(user.email)

    client.post("/auth/logout/")

    assert list(
        SecurityEvent.objects.filter(user=user)
        .order_by("id")
        .values_list("type", "ip", "user_agent")
    ) == [("login", "203.0.113.9", "Firefox/140"), ("logout", "203.0.113.9", "Firefox/140")]


def test_failed_login_on_a_known_email_is_on_the_owners_record(user: User) -> None:
    client = BrowserClient()
    client.fetch_csrf_token()

    response = client.post(
        "/auth/login/", {"email": user.email, "password": "not-the-password"}, format="json"
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert events(user) == ["login_failed"]


def test_failed_login_on_an_unknown_email_stores_nothing_about_the_email(db: None) -> None:
    client = BrowserClient()
    client.fetch_csrf_token()

    response = client.post(
        "/auth/login/", {"email": "ghost@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    event = SecurityEvent.objects.get()
    assert (event.type, event.user) == ("login_failed", None)
    assert not User.objects.exists()


def test_failed_token_creation_is_recorded_as_a_failed_login(user: User) -> None:
    APIClient().post(
        "/auth/tokens/", {"email": user.email, "password": "nope-nope", "name": "x"}, format="json"
    )

    assert events(user) == ["login_failed"]


def test_each_security_action_is_recorded(user: User) -> None:
    other_browser = BrowserClient()
    other_browser.log_in(user.email)
    client = BrowserClient()
    client.log_in(user.email)
    created = client.post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "cli"}, format="json"
    ).json()
    client.delete(f"/auth/tokens/{created['id']}/")
    other_id = next(s["id"] for s in client.get("/auth/sessions/").json() if not s["current"])
    client.delete(f"/auth/sessions/{other_id}/")
    client.post("/auth/logout/")

    assert events(user) == [
        "login",
        "login",
        "token_created",
        "token_revoked",
        "session_revoked",
        "logout",
    ]


def test_events_are_listed_newest_first_in_pages_of_20(user: User) -> None:
    for index in range(25):
        record_security_event(type="login" if index % 2 else "logout", user=user)
    record_security_event(type="login", user=UserFactory.create())
    record_security_event(type="login_failed", user=None)
    _token, secret = issue_token(user=user, name="cli")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    first = client.get("/auth/events/")
    second = client.get("/auth/events/", {"page": 2})

    assert first.status_code == HTTPStatus.OK
    body = first.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 25
    assert body["previous"] is None
    assert body["next"] == "http://testserver/auth/events/?page=2"
    assert len(body["results"]) == 20
    assert set(body["results"][0]) == {"type", "created", "ip", "user_agent"}
    ids = list(
        SecurityEvent.objects.filter(user=user).order_by("-id").values_list("type", flat=True)
    )
    listed = [event["type"] for event in body["results"] + second.json()["results"]]
    assert listed == ids
    assert second.json()["next"] is None
    assert len(second.json()["results"]) == 5


def test_events_need_authentication(db: None) -> None:
    response = APIClient().get("/auth/events/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "not_authenticated"


@pytest.fixture
def staff_client(db: None, settings: Any) -> Client:
    # Staff without a second factor, as before ``ACCOUNTS_ADMIN_REQUIRE_MFA``: these
    # tests are about the event and token lists (the admin's sign-in: mfa/tests).
    settings.ACCOUNTS_ADMIN_REQUIRE_MFA = False
    staff = User.objects.create_superuser("staff@example.com", PASSWORD)
    client = Client()  # the admin's forms carry their CSRF token; that is not tested here
    client.force_login(staff)
    return client


def test_staff_see_events_filtered_by_type_and_searched_by_email(
    staff_client: Client, user: User
) -> None:
    record_security_event(type="login", user=user)
    record_security_event(type="login_failed", user=UserFactory.create(email="other@example.com"))

    by_type = staff_client.get("/admin/accounts/securityevent/", {"type__exact": "login"})
    by_email = staff_client.get("/admin/accounts/securityevent/", {"q": "other@"})

    assert by_type.status_code == by_email.status_code == HTTPStatus.OK
    assert user.email in by_type.content.decode()
    assert "other@example.com" not in by_type.content.decode()
    assert "other@example.com" in by_email.content.decode()
    assert user.email not in by_email.content.decode()


def test_staff_cannot_change_or_delete_events(staff_client: Client, user: User) -> None:
    event = record_security_event(type="login", user=user)

    change = staff_client.post(f"/admin/accounts/securityevent/{event.pk}/change/", {})
    delete = staff_client.post(f"/admin/accounts/securityevent/{event.pk}/delete/", {"post": "yes"})

    assert change.status_code == HTTPStatus.FORBIDDEN
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_staff_revoke_a_token_by_deleting_it(staff_client: Client, user: User) -> None:
    token, _secret = issue_token(user=user, name="cli")
    assert staff_client.get("/admin/accounts/authtoken/").status_code == HTTPStatus.OK

    response = staff_client.post(f"/admin/accounts/authtoken/{token.pk}/delete/", {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not AuthToken.objects.exists()
    assert events(user) == ["token_revoked"]
