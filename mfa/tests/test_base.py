"""Which second factors a user has, asked in one query."""

from __future__ import annotations

from accounts.tests.factories import UserFactory
from mfa import base, passkeys, recovery_codes, totp
from mfa.models import Passkey, PasskeyUser, RecoveryCode, TOTPDevice
from mfa.tests.authenticator import SoftwareAuthenticator
from mfa.tests.conftest import WEB_ORIGIN


def enable_totp(user) -> None:
    setup = totp.start_setup(user=user)
    totp.confirm_setup(user=user, code=totp.code_at(setup.secret, 1_800_000_000), at=1_800_000_000)


def add_passkey(user) -> None:
    options = passkeys.registration_options(user=user)
    credential = SoftwareAuthenticator().create(options, origin=WEB_ORIGIN)
    passkeys.register_passkey(user=user, credential=credential, name="Laptop")


def test_a_user_without_factors_has_none(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert base.active_factors(user) == []
    assert not base.has_second_factor(user)


def test_every_factor_is_listed_in_one_query(user, django_assert_num_queries):
    enable_totp(user)
    add_passkey(user)
    recovery_codes.generate_codes(user=user)

    with django_assert_num_queries(1):
        assert base.active_factors(user) == ["totp", "passkey", "recovery_code"]
    assert base.has_second_factor(user)


def test_a_pending_authenticator_app_is_not_a_factor(user):
    totp.start_setup(user=user)

    assert base.active_factors(user) == []


def test_a_passkey_alone_is_a_second_factor(user):
    add_passkey(user)

    assert base.active_factors(user) == ["passkey"]


def test_recovery_codes_alone_are_not_a_second_factor(user):
    recovery_codes.generate_codes(user=user)

    assert base.active_factors(user) == []


def test_spent_recovery_codes_are_not_offered(user):
    enable_totp(user)
    for code in recovery_codes.generate_codes(user=user):
        recovery_codes.use_code(user=user, code=code)

    assert base.active_factors(user) == ["totp"]


def test_one_users_factors_say_nothing_of_anothers(user):
    enable_totp(UserFactory.create())

    assert base.active_factors(user) == []


def test_removing_every_factor_leaves_the_user_without_a_second_step(user):
    enable_totp(user)
    add_passkey(user)
    recovery_codes.generate_codes(user=user)
    other = UserFactory.create()
    enable_totp(other)

    assert base.remove_all_factors(user=user) == ["totp", "passkey", "recovery_code"]

    assert base.active_factors(user) == []
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not Passkey.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert PasskeyUser.objects.filter(user=user).exists()  # the handle outlives its passkeys
    assert base.active_factors(other) == ["totp"]
