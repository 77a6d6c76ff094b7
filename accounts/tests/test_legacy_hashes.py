"""Legacy password hashes are wrapped in Argon2id ahead of login, so login time tells nothing."""

from __future__ import annotations

import hashlib
import statistics
import time
from http import HTTPStatus
from io import StringIO

import argon2
import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    MD5PasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    ScryptPasswordHasher,
    check_password,
    make_password,
    verify_password,
)
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings

from accounts.flows.password_reset import confirm_password_reset
from accounts.models import User
from accounts.security import keys
from accounts.security.hashers import PASSWORD_FIELD_LENGTH, Argon2idPasswordHasher
from accounts.security.legacy_hashes import classify
from accounts.tests.factories import PASSWORD, UserFactory
from config.settings import base
from core.client import NO_CLIENT

INVALID = {"message": "Invalid credentials", "code": "invalid_credentials"}
NO_LIMITS = {
    "ACCOUNTS_LOGIN_FAILURE_LIMIT": 10_000,
    "THROTTLE_RATES": {**base.THROTTLE_RATES, "login": "10000/min", "login_failure": "10000/min"},
}
CURRENT = "$argon2id$v=19$m=19456,t=2,p=1$"
PRODUCT_HASHERS = override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def old_argon2i(password: str) -> str:
    """argon2-cffi's first defaults (512 KiB, t=2, p=2), in its pre-16.0 form with no version."""
    encoded = argon2.low_level.hash_secret(
        password.encode(), b"Zq3kPdR8wLx2", time_cost=2, memory_cost=512, parallelism=2,
        hash_len=16, type=argon2.Type.I, version=16,
    ).decode()  # fmt: skip
    return "argon2" + encoded.replace("$v=16", "")


def legacy_hashes(password: str) -> dict[str, str]:
    """One hash of ``password`` per legacy format, made as the old system made it."""
    return {
        "pbkdf2_sha256": PBKDF2PasswordHasher().encode(password, "Zq3kPdR8wLx2", 36_000),
        "pbkdf2_sha1": PBKDF2SHA1PasswordHasher().encode(password, "Zq3kPdR8wLx2", 20_000),
        "scrypt": ScryptPasswordHasher().encode(password, "Zq3kPdR8wLx2aB7cD9eF1g", 2**14, 8, 1),
        "argon2": old_argon2i(password),
        "sha1": f"sha1$a1976${sha1_hex('a1976' + password)}",
        "unsalted sha1": f"sha1$${sha1_hex(password)}",
        "md5": MD5PasswordHasher().encode(password, "a1976"),
        "unsalted md5": md5_hex(password),
        "unsalted md5, md5$$": f"md5$${md5_hex(password)}",
    }


LEGACY = legacy_hashes(PASSWORD)


def wrapper_algorithm(name: str) -> str:
    return "argon2_wrapped_" + name.removeprefix("unsalted ").split(",")[0]


def wrap(legacy: str) -> str:
    kind, wrapper = classify(legacy)
    assert kind == "legacy"
    assert wrapper is not None
    return wrapper.wrap(legacy)


def set_hash(user: User, encoded: str) -> None:
    User.objects.filter(pk=user.pk).update(password=encoded)


def stored_hash(user: User) -> str:
    return User.objects.values_list("password", flat=True).get(pk=user.pk)


def log_in(client, email, password):
    return client.post("/auth/login/", {"email": email, "password": password}, format="json")


def run_command(**options) -> str:
    out = StringIO()
    call_command("wrap_legacy_password_hashes", stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("name", LEGACY)
def test_a_wrapped_hash_accepts_the_password_and_refuses_any_other(name):
    legacy = LEGACY[name]
    wrapped = wrap(legacy)

    assert wrapped.startswith(f"{wrapper_algorithm(name)}$")
    assert CURRENT in wrapped
    assert len(wrapped) <= PASSWORD_FIELD_LENGTH == User._meta.get_field("password").max_length
    # The legacy digest is gone: a copy of the table holds only the Argon2id layer.
    assert legacy.rsplit("$", 1)[-1] not in wrapped
    assert check_password(PASSWORD, wrapped)
    assert not check_password(PASSWORD + "!", wrapped)
    assert not check_password("", wrapped)
    assert verify_password(PASSWORD, wrapped) == (True, True)  # right, and due for rehash


def test_wrapping_twice_gives_different_hashes_that_both_verify():
    first, second = wrap(LEGACY["sha1"]), wrap(LEGACY["sha1"])

    assert first != second  # a fresh Argon2id salt each time
    assert check_password(PASSWORD, first)
    assert check_password(PASSWORD, second)


def test_current_wrapped_and_unusable_hashes_are_not_legacy():
    current = Argon2idPasswordHasher().encode(PASSWORD, Argon2idPasswordHasher().salt())
    django_default = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())

    assert classify(current) == ("current", None)
    assert classify(wrap(LEGACY["md5"]))[0] == "wrapped"
    assert classify(make_password(None)) == ("unusable", None)
    assert classify("bcrypt_sha256$$2b$12$" + "x" * 53) == ("unknown", None)
    # Django's own Argon2 defaults (100 MiB, 8 lanes) are not the product's: legacy.
    assert classify(django_default)[0] == "legacy"
    assert check_password(PASSWORD, wrap(django_default))


@pytest.mark.django_db
@PRODUCT_HASHERS
def test_login_with_a_wrapped_hash_upgrades_it_to_a_plain_current_hash(anonymous):
    user = UserFactory.create()
    wrapped = wrap(LEGACY["pbkdf2_sha256"])
    set_hash(user, wrapped)

    refused = log_in(anonymous, user.email, "wrong-password")
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert stored_hash(user) == wrapped

    response = log_in(anonymous, user.email, PASSWORD)

    assert response.status_code == HTTPStatus.OK
    assert stored_hash(user).startswith("argon2" + CURRENT)
    assert classify(stored_hash(user)) == ("current", None)


@pytest.mark.django_db
@PRODUCT_HASHERS
def test_an_imported_legacy_hash_is_refused_until_the_command_wraps_it(anonymous):
    user = UserFactory.create()
    set_hash(user, LEGACY["pbkdf2_sha256"])

    refused = log_in(anonymous, user.email, PASSWORD)
    assert (refused.status_code, refused.json()) == (HTTPStatus.UNAUTHORIZED, INVALID)

    run_command()

    assert log_in(anonymous, user.email, PASSWORD).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_command_wraps_every_legacy_format_and_leaves_other_hashes_alone():
    legacy_users = {name: UserFactory.create() for name in LEGACY}
    for name, user in legacy_users.items():
        set_hash(user, LEGACY[name])
    django_default = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    set_hash(legacy_users["argon2"], django_default)  # the other Argon2 kind, in the same run
    others = {
        "current": Argon2idPasswordHasher().encode(PASSWORD, Argon2idPasswordHasher().salt()),
        "wrapped": wrap(LEGACY["sha1"]),
        "unusable": make_password(None),
        "unknown": "bcrypt_sha256$$2b$12$" + "x" * 53,
    }
    other_users = {kind: UserFactory.create() for kind in others}
    for kind, user in other_users.items():
        set_hash(user, others[kind])

    report = run_command(batch_size=2)

    for name, user in legacy_users.items():
        assert stored_hash(user).startswith(wrapper_algorithm(name) + "$"), name
        assert check_password(PASSWORD, stored_hash(user)), name
    for kind, user in other_users.items():
        assert stored_hash(user) == others[kind], kind
    assert report.splitlines()[0] == (
        "9 wrapped now (argon2 1, md5 3, pbkdf2_sha1 1, pbkdf2_sha256 1, scrypt 1, sha1 2); "
        "1 already wrapped, 1 current, 1 unusable, 1 in an unknown format, "
        "0 malformed, 0 changed meanwhile."
    )
    assert "argon2_wrapped_pbkdf2_sha256 iterations=36000: 1 hashes, legacy step" in report
    assert "argon2_wrapped_argon2 argon2id m=102400,t=2,p=8: 1 hashes" in report
    assert "argon2_wrapped_sha1: 2 hashes" in report  # one wrapped now, one before
    assert "argon2_wrapped_sha1 unsalted: 1 hashes" in report

    wrapped = {user.pk: stored_hash(user) for user in User.objects.all()}
    again = run_command(batch_size=2)

    assert {user.pk: stored_hash(user) for user in User.objects.all()} == wrapped
    assert again.splitlines()[0].startswith("0 wrapped now; 10 already wrapped, 1 current,")


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing():
    user = UserFactory.create()
    set_hash(user, LEGACY["sha1"])

    report = run_command(dry_run=True, expire_slower_than=0)

    assert stored_hash(user) == LEGACY["sha1"]
    lines = report.splitlines()
    assert lines[0] == "Dry run: nothing is written."
    assert lines[1].startswith("1 would be wrapped now (sha1 1); 0 already wrapped, 0 current,")
    assert lines[-1].startswith("1 would be expired: passwords whose legacy step takes more")


@pytest.mark.django_db
@PRODUCT_HASHERS
def test_the_command_expires_passwords_whose_legacy_step_is_slower_than_asked(anonymous):
    cheap, costly = UserFactory.create(), UserFactory.create()
    set_hash(cheap, LEGACY["sha1"])
    # Django 5.2's own PBKDF2: a million iterations, slower than the current hash itself.
    set_hash(costly, PBKDF2PasswordHasher().encode(PASSWORD, "Zq3kPdR8wLx2aB7cD9eF1g"))

    report = run_command(expire_slower_than=20)

    assert classify(stored_hash(cheap))[0] == "wrapped"
    assert classify(stored_hash(costly)) == ("unusable", None)
    assert "argon2_wrapped_pbkdf2_sha256 iterations=1000000: 1 hashes" in report
    assert report.splitlines()[-1] == (
        "1 expired: passwords whose legacy step takes more than 20 ms; "
        "their owners must reset them."
    )
    assert log_in(anonymous, costly.email, PASSWORD).json() == INVALID
    # The owner sets a new password through the usual reset link.
    costly.refresh_from_db()
    uid, token = keys.make_reset_uid(costly), keys.make_reset_token(costly)
    confirm_password_reset(
        uid=uid, token=token, new_password="a-new-long-passphrase", client=NO_CLIENT
    )
    assert log_in(anonymous, costly.email, "a-new-long-passphrase").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_command_refuses_meaningless_options():
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run_command(batch_size=0)
    with pytest.raises(CommandError, match="--expire-slower-than must not be negative"):
        run_command(expire_slower_than=-1)


@pytest.mark.django_db(transaction=True)
def test_the_migration_wraps_every_legacy_hash_and_leaves_the_rest():
    before, wrapping = (
        ("accounts", "0004_widen_password_for_wrapped_hashes"),
        (
            "accounts",
            "0005_wrap_legacy_password_hashes",
        ),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old_user = executor.loader.project_state([before]).apps.get_model("accounts", "User")
        current = Argon2idPasswordHasher().encode(PASSWORD, Argon2idPasswordHasher().salt())
        unusable = make_password(None)
        for n, encoded in enumerate([*LEGACY.values(), current, unusable]):
            old_user.objects.create(email=f"old{n}@example.com", password=encoded)

        MigrationExecutor(connection).migrate([wrapping])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    stored = dict(User.objects.values_list("email", "password"))
    for n, name in enumerate(LEGACY):
        assert stored[f"old{n}@example.com"].startswith(wrapper_algorithm(name) + "$"), name
        assert check_password(PASSWORD, stored[f"old{n}@example.com"]), name
    assert stored[f"old{len(LEGACY)}@example.com"] == current
    assert stored[f"old{len(LEGACY) + 1}@example.com"] == unusable


@pytest.mark.django_db
def test_the_admin_shows_a_wrapped_hash_without_its_secrets(settings):
    settings.ACCOUNTS_ADMIN_REQUIRE_MFA = False  # staff without a second factor
    admin = User.objects.create_superuser("boss@example.com", "a-strong-admin-password")
    client = Client()
    client.force_login(admin)
    user = UserFactory.create()
    wrapped = wrap(LEGACY["pbkdf2_sha256"])
    set_hash(user, wrapped)

    page = client.get(f"/admin/accounts/user/{user.pk}/change/")

    assert page.status_code == HTTPStatus.OK
    assert "argon2_wrapped_pbkdf2_sha256" in page.text
    assert "pbkdf2_sha256 iterations=36000" in page.text
    assert wrapped.rsplit("$", 1)[1] not in page.text


@pytest.mark.slow
@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS, **NO_LIMITS)
def test_logins_with_old_hashes_take_as_long_as_with_an_unknown_email(anonymous, capsys):
    """Imported hashes, after the command: a cheap one wrapped, a costly one expired.

    Realistic legacy hashes: salted SHA-1 from a Django before 1.4, and PBKDF2 with
    Django 5.2's million iterations, whose legacy step alone takes about ten current
    hashes. Threshold 0.5 ms, the one docs/security.md recommends.
    """
    new = UserFactory.create()  # hashed with the product's Argon2id
    sha1, pbkdf2 = UserFactory.create(), UserFactory.create()
    set_hash(sha1, legacy_hashes("an old password")["sha1"])
    set_hash(pbkdf2, PBKDF2PasswordHasher().encode("an old password", "Zq3kPdR8wLx2aB7cD9eF1g"))
    run_command(expire_slower_than=0.5)
    assert classify(stored_hash(sha1))[0] == "wrapped"
    assert classify(stored_hash(pbkdf2))[0] == "unusable"

    emails = {"current": new.email, "wrapped sha1": sha1.email, "expired pbkdf2": pbkdf2.email}
    timings: dict[str, list[float]] = {kind: [] for kind in ["unknown", *emails]}
    for n in range(15):  # interleaved, so a slow moment hurts every kind alike
        for kind in timings:
            email = emails.get(kind, f"nobody{n}@example.com")
            start = time.perf_counter()
            response = log_in(anonymous, email, "wrong-password")
            timings[kind].append(time.perf_counter() - start)
            assert response.status_code == HTTPStatus.UNAUTHORIZED

    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    with capsys.disabled():
        print("\nlogin medians:", ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in medians.items()))
    for kind in emails:
        assert 0.5 <= medians[kind] / medians["unknown"] <= 2, kind


@pytest.mark.parametrize(
    "damage",
    [
        lambda h: h.rsplit("$", 1)[0],  # the Argon2id hash cut off
        lambda h: h.replace("$36000$", "$many$"),  # unreadable iterations
        lambda h: h.replace("m=19456", "m=lots"),  # unreadable Argon2id parameters
    ],
)
def test_a_damaged_wrapped_hash_matches_no_password(damage):
    damaged = damage(wrap(LEGACY["pbkdf2_sha256"]))

    assert not check_password(PASSWORD, damaged)
