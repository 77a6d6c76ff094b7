"""Per-email lockout: five failures in five minutes, then 429 whatever the password."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from django.test import override_settings

from accounts.security import keys, lockout
from accounts.tests.factories import PASSWORD
from core.counters import redis_counters
from core.models import Counter

INVALID = {"message": "Invalid credentials", "code": "invalid_credentials"}
LOCKED_OUT = {"detail": "Too many failed login attempts. Try again later.", "code": "locked_out"}


def log_in(client, email, password, **headers):
    return client.post(
        "/auth/login/", {"email": email, "password": password}, format="json", **headers
    )


def fail(client, email, times):
    for _ in range(times):
        response = log_in(client, email, "wrong-password")
        assert (response.status_code, response.json()) == (HTTPStatus.UNAUTHORIZED, INVALID)


def expire_counter(key):
    """Make the counter's window end now, by writing the store's own expiry."""
    redis = redis_counters()
    if redis is not None:
        redis.client.pexpire(redis._key(key), 1)
        time.sleep(0.01)
    else:
        Counter.objects.filter(key=key).update(expires_at=time.time() - 1)


@pytest.mark.django_db
def test_login_is_refused_after_five_failures(anonymous, user):
    fail(anonymous, user.email, 5)

    response = log_in(anonymous, user.email, "wrong-password")

    assert (response.status_code, response.json()) == (HTTPStatus.TOO_MANY_REQUESTS, LOCKED_OUT)
    assert 290 <= int(response["Retry-After"]) <= 300


@pytest.mark.django_db
def test_right_password_is_refused_while_locked_out(anonymous, user):
    fail(anonymous, user.email, 5)

    response = log_in(anonymous, user.email, PASSWORD)

    assert (response.status_code, response.json()) == (HTTPStatus.TOO_MANY_REQUESTS, LOCKED_OUT)
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_successful_login_clears_the_failure_count(anonymous, user):
    fail(anonymous, user.email, 4)
    assert log_in(anonymous, user.email, PASSWORD).status_code == HTTPStatus.OK
    anonymous.fetch_csrf_token()

    fail(anonymous, user.email, 5)

    response = log_in(anonymous, user.email, "wrong-password")
    assert (response.status_code, response.json()) == (HTTPStatus.TOO_MANY_REQUESTS, LOCKED_OUT)


@pytest.mark.django_db
def test_lockout_ends_when_the_window_passes(anonymous, user):
    fail(anonymous, user.email, 5)
    assert log_in(anonymous, user.email, PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS

    expire_counter(lockout.email_key(user.email))

    response = log_in(anonymous, user.email, PASSWORD)
    assert response.status_code == HTTPStatus.OK, response.content


@pytest.mark.django_db
@override_settings(ACCOUNTS_LOGIN_FAILURE_LIMIT=2, ACCOUNTS_LOGIN_FAILURE_WINDOW=30)
def test_lockout_limit_and_window_are_settings(anonymous, user):
    fail(anonymous, user.email, 2)

    response = log_in(anonymous, user.email, PASSWORD)

    assert (response.status_code, response.json()) == (HTTPStatus.TOO_MANY_REQUESTS, LOCKED_OUT)
    assert 1 <= int(response["Retry-After"]) <= 30


@pytest.mark.django_db
def test_lockout_answers_an_unknown_email_exactly_like_a_registered_one(anonymous, user):
    fail(anonymous, user.email, 5)
    fail(anonymous, "nobody@example.com", 5)

    registered = log_in(anonymous, user.email, "wrong-password")
    unknown = log_in(anonymous, "nobody@example.com", "wrong-password")

    assert registered.status_code == unknown.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert registered.json() == unknown.json() == LOCKED_OUT
    assert registered["Retry-After"].isdigit()
    assert unknown["Retry-After"].isdigit()


@pytest.mark.django_db
def test_every_spelling_of_an_email_shares_one_count(anonymous, user):
    spellings = [user.email.upper(), f"  {user.email}", user.email.title(), user.email, user.email]
    for spelling in spellings:
        assert log_in(anonymous, spelling, "wrong-password").status_code == 401

    response = log_in(anonymous, user.email.upper(), PASSWORD)
    assert (response.status_code, response.json()) == (HTTPStatus.TOO_MANY_REQUESTS, LOCKED_OUT)


@pytest.mark.django_db
def test_lockout_of_one_email_leaves_other_emails_alone(anonymous, user):
    fail(anonymous, "somebody-else@example.com", 5)

    response = log_in(anonymous, user.email, PASSWORD)

    assert response.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_clear_forgets_the_failures_of_an_email(anonymous, user):
    fail(anonymous, user.email, 5)

    lockout.clear(email=user.email.upper())

    assert log_in(anonymous, user.email, PASSWORD).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_counter_keys_never_contain_the_email(anonymous, user):
    fail(anonymous, user.email, 1)

    key = lockout.email_key(user.email)

    assert user.email not in key
    assert user.email.split("@")[0] not in key


@pytest.mark.django_db
def test_a_password_reset_lifts_the_lockout(anonymous, user):
    """Password reset stays open to the owner, and proving the inbox clears the count."""
    fail(anonymous, user.email, 5)
    assert log_in(anonymous, user.email, PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS

    reset = anonymous.post(
        "/auth/reset_password_confirm/",
        {
            "uid": keys.make_reset_uid(user),
            "token": keys.make_reset_token(user),
            "new_password": "a-brand-new-passphrase",
        },
        format="json",
    )

    assert reset.status_code == HTTPStatus.OK
    assert log_in(anonymous, user.email, "a-brand-new-passphrase").status_code == HTTPStatus.OK
