"""The user model, its manager and the database's own guarantees."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_user_stores_the_email_trimmed_and_lower_case():
    user = User.objects.create_user(" Ann@Example.COM ", "pw-for-ann-123")

    assert user.email == "ann@example.com"
    assert (user.status, user.currency, user.language) == ("Onboarding", "EGP", "en")
    assert not (user.is_staff)
    assert not (user.is_superuser)
    assert not (user.email_verified)
    assert user.check_password("pw-for-ann-123")


def test_create_user_without_email_raises_value_error():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "pw")


def test_create_user_without_password_makes_it_unusable():
    assert not User.objects.create_user("ann@example.com").has_usable_password()


def test_create_superuser_sets_the_staff_flags():
    admin = User.objects.create_superuser("boss@example.com", "pw-for-boss-123")

    assert admin.is_staff
    assert admin.is_superuser


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_create_superuser_refuses_a_missing_flag(flag):
    with pytest.raises(ValueError, match=flag):
        User.objects.create_superuser("boss@example.com", "pw", **{flag: False})


def test_the_database_refuses_two_spellings_of_one_email():
    User.objects.create_user("ann@example.com")

    with pytest.raises(IntegrityError):
        # A writer that bypasses the manager's normalisation still hits the constraint.
        User.objects.bulk_create([User(email="ANN@example.com")])


def test_the_case_insensitive_constraint_is_a_functional_unique_index():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, User._meta.db_table)

    assert constraints["user_email_ci_unique"]["unique"]


def test_model_validation_refuses_unknown_currency_and_language():
    user = User(email="ann@example.com", currency="ZZZ", language="xx")

    with pytest.raises(ValidationError) as raised:
        user.full_clean(exclude=["password"])

    assert set(raised.value.message_dict) == {"currency", "language"}


def test_natural_key_lookup_ignores_case():
    user = User.objects.create_user("ann@example.com")

    assert User.objects.get_by_natural_key(" ANN@example.com") == user


def test_createsuperuser_asks_for_the_email_not_a_username(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-strong-admin-password")

    call_command("createsuperuser", "--noinput", "--email", "Boss@Example.com", verbosity=0)

    admin = User.objects.get()
    assert admin.email == "boss@example.com"
    assert admin.is_superuser
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User, "username") or User.username is None
