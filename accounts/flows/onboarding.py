"""Finishing onboarding: ``Onboarding`` becomes ``Active`` once the profile is complete."""

from __future__ import annotations

from django.db import transaction

from accounts.app_settings import app_settings
from accounts.errors import OnboardingIncomplete
from accounts.models import User


def missing_for_onboarding(user: User) -> list[str]:
    """Name what ``user`` still lacks: names, and a verified email under ``mandatory``."""
    missing = [field for field in ("first_name", "last_name") if not getattr(user, field).strip()]
    if app_settings.EMAIL_VERIFICATION == "mandatory" and not user.email_verified:
        missing.append("email_verified")
    return missing


@transaction.atomic
def complete_onboarding(*, user: User) -> User:
    """Make ``user`` ``Active``; calling it again on an active user changes nothing.

    Args:
        user: The signed-in user.

    Returns:
        The user, now ``Active``.

    Raises:
        OnboardingIncomplete: Listing each missing requirement as a field error.
    """
    if user.status == User.Status.ACTIVE:
        return user
    missing = missing_for_onboarding(user)
    if missing:
        raise OnboardingIncomplete(missing)
    user.status = User.Status.ACTIVE
    user.save(update_fields=["status"])
    return user
