"""The journeys' rules that hold under concurrency: one set of codes for a first factor."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from core.client import NO_CLIENT
from mfa import flows, passkeys
from mfa.models import Passkey, RecoveryCode
from mfa.tests.authenticator import SoftwareAuthenticator
from mfa.tests.concurrency import run_concurrently
from mfa.tests.conftest import WEB_ORIGIN


@pytest.mark.django_db(transaction=True)
def test_two_first_passkeys_added_at_once_come_with_one_set_of_codes():
    user = UserFactory.create()
    devices = [SoftwareAuthenticator(), SoftwareAuthenticator()]
    credentials = [
        device.create(passkeys.registration_options(user=user), origin=WEB_ORIGIN)
        for device in devices
    ]

    outcomes = run_concurrently(
        2,
        lambda i: flows.add_passkey(
            user=user, credential=credentials[i], name=f"key {i}", client=NO_CLIENT
        ),
    )

    assert all(isinstance(outcome, flows.AddedPasskey) for outcome in outcomes), outcomes
    given = [outcome.recovery_codes for outcome in outcomes if outcome.recovery_codes]
    assert len(given) == 1
    assert Passkey.objects.filter(user=user).count() == 2
    assert RecoveryCode.objects.filter(user=user).count() == 10


@pytest.mark.django_db
def test_staff_removal_of_a_user_without_factors_records_nothing():
    user = UserFactory.create()

    assert flows.remove_all_factors(user=user) == []
    assert not user.security_events.exists()
