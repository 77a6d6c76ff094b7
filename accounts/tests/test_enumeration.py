"""Login answers the same, in body, status and time, whether or not the email exists."""

from __future__ import annotations

import statistics
import time
from http import HTTPStatus

import pytest
from django.test import override_settings

from accounts.tests.factories import UserFactory
from accounts.tests.hashers import CountingPasswordHasher
from config.settings import base

INVALID = {"message": "Invalid credentials", "code": "invalid_credentials"}
NO_LIMITS = {
    "ACCOUNTS_LOGIN_FAILURE_LIMIT": 10_000,
    "THROTTLE_RATES": {**base.THROTTLE_RATES, "login": "10000/min", "login_failure": "10000/min"},
}


def log_in(client, email, password):
    return client.post("/auth/login/", {"email": email, "password": password}, format="json")


@pytest.mark.django_db
def test_unknown_email_is_answered_exactly_like_a_wrong_password(anonymous, user):
    inactive = UserFactory.create(is_active=False)

    answers = [
        log_in(anonymous, "nobody@example.com", "wrong-password"),
        log_in(anonymous, user.email, "wrong-password"),
        log_in(anonymous, inactive.email, "correct-horse-battery-staple"),
    ]

    assert {(r.status_code, r.content, r.get("Content-Type")) for r in answers} == {
        (HTTPStatus.UNAUTHORIZED, answers[0].content, "application/json")
    }
    assert answers[0].json() == INVALID
    assert all("sessionid" not in r.cookies for r in answers)


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["accounts.tests.hashers.CountingPasswordHasher"])
def test_the_password_hash_runs_for_an_unknown_email_too(anonymous):
    known = UserFactory.create()
    CountingPasswordHasher.calls.clear()

    assert log_in(anonymous, "nobody@example.com", "wrong-password").status_code == 401
    unknown_calls = list(CountingPasswordHasher.calls)
    CountingPasswordHasher.calls.clear()
    assert log_in(anonymous, known.email, "wrong-password").status_code == 401
    known_calls = list(CountingPasswordHasher.calls)

    # Verifying hashes the candidate with the stored salt, through encode(): both paths
    # compute exactly one hash.
    assert unknown_calls == ["encode"]
    assert known_calls == ["verify", "encode"]


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS, **NO_LIMITS)
@pytest.mark.slow  # real Argon2id, timed over many requests
def test_unknown_and_known_emails_take_the_same_time_with_argon2id(anonymous, capsys):
    known = UserFactory.create()  # hashed with Argon2id, the production hasher
    assert known.password.startswith("argon2$argon2id$")
    timings: dict[str, list[float]] = {"unknown": [], "known": []}

    for n in range(15):  # interleaved, so a slow moment hurts both sides alike
        for kind, email in [("unknown", f"nobody{n}@example.com"), ("known", known.email)]:
            start = time.perf_counter()
            response = log_in(anonymous, email, "wrong-password")
            timings[kind].append(time.perf_counter() - start)
            assert response.status_code == HTTPStatus.UNAUTHORIZED

    unknown, known_ = (statistics.median(timings[kind]) for kind in ("unknown", "known"))
    with capsys.disabled():
        print(f"\nlogin medians: unknown {unknown * 1000:.1f} ms, known {known_ * 1000:.1f} ms")
    assert 0.5 <= unknown / known_ <= 2
