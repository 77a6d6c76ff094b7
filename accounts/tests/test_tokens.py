"""Bearer tokens: creation with a password, use without CSRF, listing, revocation, expiry."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuthToken, SecurityEvent, User
from accounts.security.tokens import issue_token
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def create_token(email: str, password: str = PASSWORD, name: str = "cli") -> dict[str, Any]:
    response = APIClient(enforce_csrf_checks=True).post(
        "/auth/tokens/", {"email": email, "password": password, "name": name}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED, response.content
    body: dict[str, Any] = response.json()
    return body


def bearer(secret: str) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_token_is_created_with_email_and_password_without_csrf_or_cookie(user: User) -> None:
    client = APIClient(enforce_csrf_checks=True)

    response = client.post(
        "/auth/tokens/",
        {"email": f"  {user.email.upper()} ", "password": PASSWORD, "name": "laptop"},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert set(body) == {"id", "name", "token", "created", "expires"}
    assert body["name"] == "laptop"
    assert len(body["token"]) >= 43  # 256 random bits, URL-safe base64
    assert response.cookies == {}
    token = AuthToken.objects.get(pk=body["id"])
    assert token.user == user
    assert body["token"] not in (token.digest, token.prefix)
    lifetime = token.expires - token.created
    assert timedelta(days=30) - timedelta(seconds=5) < lifetime <= timedelta(days=30)


def test_token_lifetime_comes_from_the_setting(user: User, settings) -> None:
    settings.ACCOUNTS_TOKEN_TTL = 3600

    body = create_token(user.email)

    token = AuthToken.objects.get(pk=body["id"])
    assert token.expires - token.created <= timedelta(hours=1)
    assert token.expires - token.created > timedelta(minutes=59)


@pytest.mark.parametrize("password", ["wrong-password-123", PASSWORD])
def test_token_creation_with_wrong_credentials_is_the_logins_401(user: User, password: str) -> None:
    email = user.email if password != PASSWORD else "nobody@example.com"

    response = APIClient().post(
        "/auth/tokens/", {"email": email, "password": password, "name": "x"}, format="json"
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"message": "Invalid credentials", "code": "invalid_credentials"}
    assert not AuthToken.objects.exists()
    assert SecurityEvent.objects.filter(type="login_failed").count() == 1


def test_token_creation_for_an_inactive_account_is_refused(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = APIClient().post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "x"}, format="json"
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"message": "Invalid credentials", "code": "invalid_credentials"}


def test_token_creation_needs_a_name(user: User) -> None:
    response = APIClient().post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "name": ["This field is required."],
        "codes": {"name": ["required"]},
    }


def test_bearer_token_authenticates_without_csrf(user: User) -> None:
    client = bearer(create_token(user.email)["token"])

    me = client.get("/auth/me/")
    update = client.patch("/auth/update_profile/", {"first_name": "Bo"}, format="json")

    assert me.status_code == HTTPStatus.OK
    assert me.json()["email"] == user.email
    assert update.status_code == HTTPStatus.OK
    assert update.json()["first_name"] == "Bo"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-real-token-at-all",
        "Bearer ",
        "Bearer a b",
        "Bearer " + "x" * 500,
        "Bearer " + "\x00" * 10,
        "Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl",
    ],
)
def test_unknown_or_malformed_bearer_token_is_refused_with_401(db: None, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/auth/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == 'Bearer realm="accounts", error="invalid_token"'
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] in {"invalid_token", "invalid_authorization_header"}


def test_request_without_credentials_names_the_bearer_scheme(db: None) -> None:
    response = APIClient().get("/auth/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == 'Bearer realm="accounts"'
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_expired_token_is_refused(user: User) -> None:
    body = create_token(user.email)
    AuthToken.objects.filter(pk=body["id"]).update(expires=timezone.now() - timedelta(seconds=1))

    response = bearer(body["token"]).get("/auth/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {
        "detail": "The bearer token is invalid, expired or revoked.",
        "code": "invalid_token",
    }


def test_token_of_a_deactivated_user_is_refused(user: User) -> None:
    client = bearer(create_token(user.email)["token"])
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get("/auth/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "invalid_token"


def test_a_bad_bearer_token_is_not_rescued_by_a_session_cookie(logged_in, user: User) -> None:
    logged_in.credentials(HTTP_AUTHORIZATION="Bearer made-up-token")

    response = logged_in.get("/auth/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_tokens_are_listed_without_their_secrets(user: User) -> None:
    first = create_token(user.email, name="first")
    second = create_token(user.email, name="second")
    issue_token(user=UserFactory.create(), name="someone else's")
    expired = create_token(user.email, name="expired")
    AuthToken.objects.filter(pk=expired["id"]).update(expires=timezone.now())
    client = bearer(first["token"])

    response = client.get("/auth/tokens/")

    assert response.status_code == HTTPStatus.OK
    listed = response.json()
    assert [token["name"] for token in listed] == ["second", "first"]
    assert set(listed[0]) == {"id", "name", "prefix", "created", "expires", "last_used"}
    assert listed[0]["id"] == second["id"]
    assert listed[0]["prefix"] == second["token"][:8]
    assert listed[0]["last_used"] is None
    assert listed[1]["last_used"] is not None
    assert first["token"] not in response.content.decode()
    assert second["token"] not in response.content.decode()


def test_revoked_token_stops_working(user: User) -> None:
    keeper = bearer(create_token(user.email, name="keeper")["token"])
    doomed = create_token(user.email, name="doomed")
    doomed_client = bearer(doomed["token"])
    assert doomed_client.get("/auth/me/").status_code == HTTPStatus.OK

    response = keeper.delete(f"/auth/tokens/{doomed['id']}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    refused = doomed_client.get("/auth/me/")
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json()["code"] == "invalid_token"
    assert keeper.get("/auth/me/").status_code == HTTPStatus.OK


def test_another_users_token_id_is_answered_like_a_missing_one(user: User) -> None:
    attacker = bearer(create_token(user.email)["token"])
    victim = UserFactory.create()
    victims_token, victims_secret = issue_token(user=victim, name="victim")

    theirs = attacker.delete(f"/auth/tokens/{victims_token.pk}/")
    missing = attacker.delete("/auth/tokens/999999/")

    assert theirs.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    assert theirs.json() == missing.json() == {"detail": "Not found.", "code": "not_found"}
    assert bearer(victims_secret).get("/auth/me/").status_code == HTTPStatus.OK
    assert not SecurityEvent.objects.filter(type="token_revoked").exists()


def test_token_revocation_from_a_browser_session_needs_csrf(logged_in, user: User) -> None:
    token, _secret = issue_token(user=user, name="cli")
    logged_in.credentials()  # drop the X-CSRFToken header

    response = logged_in.delete(f"/auth/tokens/{token.pk}/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "csrf_failed"
    assert AuthToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_with_a_bearer_token_revokes_that_token(user: User, method: str) -> None:
    other = create_token(user.email, name="other")
    body = create_token(user.email, name="this one")
    client = bearer(body["token"])

    response = getattr(client, method)("/auth/logout/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"message": "Successfully logged out"}
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [other["id"]]
    assert SecurityEvent.objects.filter(user=user, type="logout").count() == 1


def test_last_use_is_written_at_most_once_per_interval(user: User) -> None:
    body = create_token(user.email)
    client = bearer(body["token"])
    token = AuthToken.objects.filter(pk=body["id"])

    client.get("/auth/me/")
    first_use = token.get().last_used
    assert first_use is not None
    client.get("/auth/me/")
    assert token.get().last_used == first_use  # a second request writes nothing

    four_minutes_ago = first_use - timedelta(minutes=4)
    token.update(last_used=four_minutes_ago)
    client.get("/auth/me/")
    assert token.get().last_used == four_minutes_ago

    token.update(last_used=first_use - timedelta(minutes=6))
    client.get("/auth/me/")
    last_used = token.get().last_used
    assert last_used is not None
    assert last_used > first_use


def test_token_creation_and_revocation_are_recorded(user: User) -> None:
    body = create_token(user.email)
    client = bearer(body["token"])
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}", HTTP_USER_AGENT="cli/1.0")

    client.delete(f"/auth/tokens/{body['id']}/")

    events = list(
        SecurityEvent.objects.filter(user=user).order_by("id").values_list("type", "user_agent")
    )
    assert events == [("token_created", ""), ("token_revoked", "cli/1.0")]
