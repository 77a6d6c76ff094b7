"""Completing onboarding: Onboarding becomes Active once the profile is complete."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_complete_onboarding_makes_the_account_active(client):
    user = UserFactory.create()
    client.log_in(user.email)

    response = client.post("/auth/complete_onboarding/")

    assert response.status_code == 200
    assert response.json()["status"] == "Active"
    assert User.objects.get(pk=user.pk).status == User.Status.ACTIVE


def test_complete_onboarding_lists_what_is_missing(client):
    user = UserFactory.create(first_name="", last_name="  ")
    client.log_in(user.email)

    response = client.post("/auth/complete_onboarding/")

    assert response.status_code == 400
    assert response.json() == {
        "first_name": ["Your first name is required to complete onboarding."],
        "last_name": ["Your last name is required to complete onboarding."],
        "codes": {"first_name": ["onboarding_incomplete"], "last_name": ["onboarding_incomplete"]},
    }
    assert User.objects.get(pk=user.pk).status == User.Status.ONBOARDING


def test_mandatory_verification_keeps_unverified_users_onboarding(client, settings):
    settings.ACCOUNTS_EMAIL_VERIFICATION = "mandatory"
    user = UserFactory.create()
    client.log_in(user.email)  # an unverified user can still log in

    response = client.post("/auth/complete_onboarding/")

    assert response.status_code == 400
    assert response.json() == {
        "email_verified": ["Your email address must be verified to complete onboarding."],
        "codes": {"email_verified": ["onboarding_incomplete"]},
    }
    User.objects.filter(pk=user.pk).update(email_verified=True)
    assert client.post("/auth/complete_onboarding/").status_code == 200


def test_optional_verification_lets_unverified_users_finish(client):
    user = UserFactory.create(email_verified=False)
    client.log_in(user.email)

    assert client.post("/auth/complete_onboarding/").status_code == 200


def test_complete_onboarding_again_on_an_active_user_is_a_200(client):
    user = UserFactory.create(status=User.Status.ACTIVE, first_name="")
    client.log_in(user.email)

    response = client.post("/auth/complete_onboarding/")

    assert response.status_code == 200
    assert response.json()["status"] == "Active"


def test_complete_onboarding_needs_a_session_and_a_csrf_token(client):
    assert client.post("/auth/complete_onboarding/").status_code == 401
    user = UserFactory.create()
    client.log_in(user.email)
    client.credentials()

    assert client.post("/auth/complete_onboarding/").status_code == 403
