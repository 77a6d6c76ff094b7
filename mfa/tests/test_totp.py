"""Authenticator apps: the RFC algorithm, setup, one-time acceptance, encrypted storage."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mfa import crypto, totp
from mfa.errors import InvalidCode, TotpAlreadyEnabled, TotpSetupExpired, UnreadableSecret
from mfa.models import TOTPDevice
from mfa.tests.concurrency import run_concurrently

# RFC 6238, Appendix B: the seeds are ASCII digits, one length per hash.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
# RFC 4226, Appendix D: HOTP values of counters 0 to 9 for the SHA-1 seed.
RFC4226_VALUES = [
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489",
]  # fmt: skip

# Middle of a step, so that "this step" is the same step for every assertion.
NOW = 1_800_000_015.0


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238_VECTORS)
def test_totp_matches_the_rfc_6238_test_vectors(at, sha1, sha256, sha512):
    step = totp.time_step(at)
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.hotp(SEEDS[digest], step, digits=8, digest=digest) == expected


def test_hotp_matches_the_rfc_4226_test_vectors():
    assert [totp.hotp(SEEDS["sha1"], counter) for counter in range(10)] == RFC4226_VALUES


def test_code_at_reads_a_base32_secret_like_an_app():
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    assert totp.code_at(secret, 59) == "287082"  # the 6-digit truncation of step 1
    assert totp.code_at(secret.lower().rstrip("="), 59) == "287082"


def test_a_new_secret_is_160_random_bits_in_base32():
    secrets = {totp.generate_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(secret) == 32
        assert len(totp.decode_secret(secret)) == 20


def test_the_otpauth_uri_names_issuer_and_account_with_the_rfc_parameters():
    uri = totp.otpauth_uri(secret="JBSWY3DPEHPK3PXP", account="ann@example.com")

    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/Budget:ann@example.com"
    assert parse_qs(parts.query) == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["Budget"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }


def test_an_issuer_with_spaces_and_colons_stays_one_label(settings):
    settings.ACCOUNTS_MFA_ISSUER = "My Budget: EG"
    uri = totp.otpauth_uri(secret="JBSWY3DPEHPK3PXP", account="ann@example.com")

    issuer, account = urlsplit(uri).path.removeprefix("/").split(":")
    assert (unquote(issuer), unquote(account)) == ("My Budget: EG", "ann@example.com")
    assert parse_qs(urlsplit(uri).query)["issuer"] == ["My Budget: EG"]


def test_the_qr_code_is_a_standalone_svg_document():
    svg = totp.qr_svg("otpauth://totp/Budget:ann@example.com?secret=JBSWY3DPEHPK3PXP")
    assert svg.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert svg.rstrip().endswith("</svg>")
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


@pytest.mark.parametrize("typed", ["123456", " 123 456 ", "123\t456"])
def test_a_code_may_be_typed_with_spaces(typed):
    assert totp.normalize_code(typed) == "123456"


@pytest.mark.parametrize(
    "typed",
    ["12345", "1234567", "12345a", "\uff11\uff12\uff13\uff14\uff15\uff16", "", None, 123456],
)
def test_anything_but_six_digits_is_not_a_code(typed):
    assert totp.normalize_code(typed) is None


# --- Setup ---------------------------------------------------------------------------


@pytest.fixture
def enabled(user):
    """The user's confirmed app; returns its secret."""
    setup = totp.start_setup(user=user)
    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, NOW - 3600), at=NOW - 3600)
    return setup.secret


def test_starting_a_setup_returns_a_secret_uri_and_qr_code_and_keeps_it_pending(user):
    setup = totp.start_setup(user=user)

    assert f"secret={setup.secret}" in setup.otpauth_uri
    assert setup.qr_svg.startswith("<svg")
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert not totp.is_enabled(user)


def test_a_code_from_the_app_confirms_the_setup(user):
    setup = totp.start_setup(user=user)

    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, time.time()))

    assert totp.is_enabled(user)


def test_a_wrong_code_leaves_the_setup_pending(user):
    setup = totp.start_setup(user=user)
    wrong = f"{(int(totp.code_at(setup.secret, NOW)) + 1) % 10**6:06d}"

    with pytest.raises(InvalidCode):
        totp.confirm_setup(user=user, code=wrong, at=NOW)

    assert not totp.is_enabled(user)
    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, NOW), at=NOW)
    assert totp.is_enabled(user)


def test_a_setup_cannot_be_confirmed_after_ten_minutes(user):
    setup = totp.start_setup(user=user)
    TOTPDevice.objects.filter(user=user).update(
        created=timezone.now() - timedelta(minutes=10, seconds=1)
    )

    with pytest.raises(TotpSetupExpired):
        totp.confirm_setup(user=user, code=totp.code_at(setup.secret, time.time()))
    assert not totp.is_enabled(user)


def test_confirming_without_a_setup_is_refused(user):
    with pytest.raises(TotpSetupExpired):
        totp.confirm_setup(user=user, code="123456")


def test_a_new_setup_replaces_the_pending_one(user):
    first = totp.start_setup(user=user)
    second = totp.start_setup(user=user)

    assert first.secret != second.secret
    assert TOTPDevice.objects.filter(user=user).count() == 1
    with pytest.raises(InvalidCode):
        totp.confirm_setup(user=user, code=totp.code_at(first.secret, NOW), at=NOW)
    totp.confirm_setup(user=user, code=totp.code_at(second.secret, NOW), at=NOW)


def test_a_setup_is_refused_while_an_app_is_on(user, enabled):
    with pytest.raises(TotpAlreadyEnabled):
        totp.start_setup(user=user)
    totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)


def test_the_confirming_code_cannot_also_sign_in(user):
    setup = totp.start_setup(user=user)
    code = totp.code_at(setup.secret, NOW)
    totp.confirm_setup(user=user, code=code, at=NOW)

    with pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=code, at=NOW)


def test_turning_the_app_off_removes_it(user, enabled):
    assert totp.disable(user=user) is True

    assert not TOTPDevice.objects.filter(user=user).exists()
    with pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)
    assert totp.disable(user=user) is False


def test_turning_off_drops_a_pending_setup_and_says_nothing_was_on(user):
    totp.start_setup(user=user)

    assert totp.disable(user=user) is False
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- Verification ------------------------------------------------------------------------


@pytest.mark.parametrize("drift", [-1, 0, 1])
def test_a_code_of_this_step_or_one_step_either_side_is_accepted(user, enabled, drift):
    code = totp.code_at(enabled, NOW + drift * totp.STEP_SECONDS)

    totp.verify_code(user=user, code=code, at=NOW)

    assert TOTPDevice.objects.get(user=user).last_used_step == totp.time_step(NOW) + drift


@pytest.mark.parametrize("drift", [-2, 2])
def test_a_code_two_steps_away_is_refused(user, enabled, drift):
    code = totp.code_at(enabled, NOW + drift * totp.STEP_SECONDS)
    assert code not in {totp.code_at(enabled, NOW + d * 30) for d in (-1, 0, 1)}

    with pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=code, at=NOW)


def test_a_code_is_accepted_only_once(user, enabled):
    code = totp.code_at(enabled, NOW)
    totp.verify_code(user=user, code=code, at=NOW)

    with pytest.raises(InvalidCode, match="already used"):
        totp.verify_code(user=user, code=code, at=NOW + 10)


def test_an_older_code_is_refused_once_a_newer_one_was_accepted(user, enabled):
    totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)

    with pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=totp.code_at(enabled, NOW - 30), at=NOW)
    totp.verify_code(user=user, code=totp.code_at(enabled, NOW + 30), at=NOW + 30)


def test_a_code_of_another_users_app_is_refused(user, enabled):
    other = UserFactory.create()
    other_setup = totp.start_setup(user=other)
    totp.confirm_setup(user=other, code=totp.code_at(other_setup.secret, NOW - 60), at=NOW - 60)

    with pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=totp.code_at(other_setup.secret, NOW), at=NOW)


def test_a_pending_setup_does_not_accept_sign_in_codes(user):
    setup = totp.start_setup(user=user)

    with pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=totp.code_at(setup.secret, NOW), at=NOW)


@pytest.mark.parametrize("typed", ["", "abcdef", "1" * 10_000, None, ["123456"]])
def test_malformed_codes_are_refused_without_a_query(
    user, enabled, typed, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(InvalidCode):
        totp.verify_code(user=user, code=typed, at=NOW)


def test_an_accepted_code_costs_two_queries(user, enabled, django_assert_num_queries):
    with django_assert_num_queries(2):  # read the app, record the step
        totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)


@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_of_one_code_succeed_exactly_once():
    user = UserFactory.create()
    setup = totp.start_setup(user=user)
    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, NOW - 60), at=NOW - 60)
    code = totp.code_at(setup.secret, NOW)

    outcomes = run_concurrently(8, lambda _: totp.verify_code(user=user, code=code, at=NOW))

    assert sum(outcome is None for outcome in outcomes) == 1
    assert all(isinstance(outcome, InvalidCode) for outcome in outcomes if outcome is not None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_setups_leave_one_pending_setup_with_one_of_their_secrets():
    user = UserFactory.create()

    outcomes = run_concurrently(6, lambda _: totp.start_setup(user=user))

    assert all(isinstance(outcome, totp.TotpSetup) for outcome in outcomes)
    device = TOTPDevice.objects.get(user=user)
    stored = crypto.decrypt(device.encrypted_secret, context=f"totp:{user.pk}")[0].decode()
    assert [setup.secret for setup in outcomes].count(stored) == 1
    totp.confirm_setup(user=user, code=totp.code_at(stored, NOW), at=NOW)
    assert totp.is_enabled(user)


# --- Storage and key rotation ---------------------------------------------------------------


def _raw_secret_column(user_id: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encrypted_secret FROM mfa_totpdevice WHERE user_id = %s",
            [user_id],
        )
        return bytes(cursor.fetchone()[0])


def test_the_secret_is_not_stored_in_clear(user):
    setup = totp.start_setup(user=user)

    stored = _raw_secret_column(user.pk)
    key = totp.decode_secret(setup.secret)
    assert setup.secret.encode() not in stored
    assert setup.secret.lower().encode() not in stored
    assert key not in stored
    assert base64.b64encode(key) not in stored
    assert len(stored) == 1 + 12 + len(setup.secret) + 16  # version, nonce, ciphertext, tag


def test_a_secret_copied_to_another_users_row_does_not_decrypt(user, enabled):
    other = UserFactory.create()
    totp.start_setup(user=other)
    TOTPDevice.objects.filter(user=other).update(
        encrypted_secret=_raw_secret_column(user.pk), confirmed=True
    )

    with pytest.raises(UnreadableSecret):
        totp.verify_code(user=other, code=totp.code_at(enabled, NOW), at=NOW)


def test_secrets_stay_readable_after_secret_key_rotation_with_the_old_key_as_fallback(
    user, enabled, settings
):
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "rotated-" + "r" * 60
    settings.SECRET_KEY_FALLBACKS = [old_key]

    totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)


def test_secrets_are_unreadable_once_the_old_key_is_dropped_before_reencryption(
    user, enabled, settings
):
    settings.SECRET_KEY = "rotated-" + "r" * 60
    settings.SECRET_KEY_FALLBACKS = []

    with pytest.raises(UnreadableSecret):
        totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)


def test_reencryption_moves_every_secret_to_the_current_key(user, enabled, settings, capsys):
    other = UserFactory.create()
    pending = totp.start_setup(user=other)
    old_key = settings.SECRET_KEY
    before = _raw_secret_column(user.pk)
    settings.SECRET_KEY = "rotated-" + "r" * 60
    settings.SECRET_KEY_FALLBACKS = [old_key]

    call_command("reencrypt_mfa_secrets")
    assert "Re-encrypted 2 secret(s); 0 already" in capsys.readouterr().out
    call_command("reencrypt_mfa_secrets")
    assert "Re-encrypted 0 secret(s); 2 already" in capsys.readouterr().out

    assert _raw_secret_column(user.pk) != before
    settings.SECRET_KEY_FALLBACKS = []
    totp.verify_code(user=user, code=totp.code_at(enabled, NOW), at=NOW)
    totp.confirm_setup(user=other, code=totp.code_at(pending.secret, NOW), at=NOW)


def test_reencryption_names_the_users_whose_secret_no_key_opens(user, enabled, settings):
    settings.SECRET_KEY = "rotated-" + "r" * 60

    with pytest.raises(CommandError, match=f"users {user.pk}"):
        call_command("reencrypt_mfa_secrets")
