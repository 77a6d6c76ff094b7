"""Registering a new account."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.emails import queue_email
from accounts.errors import EmailTaken
from accounts.models import User, normalize_email


def register_user(*, email: str, password: str, **profile: Any) -> User:
    """Create an account in the ``Onboarding`` status; no session is started.

    A verification email is queued when the account is committed.

    Args:
        email: The address to register; compared and stored lower-case.
        password: The raw password, already checked by the password validators.
        **profile: Optional ``first_name``, ``last_name``, ``currency``, ``language``.

    Returns:
        The new user.

    Raises:
        EmailTaken: If an account already uses the address, in any capitalisation,
            including when a concurrent request registers it first.
    """
    email = normalize_email(email)
    if User.objects.filter(email=email).exists():
        raise EmailTaken()
    # Hash before the transaction: on SQLite it holds the write lock from its start.
    user = User.objects.build_user(email, password, **profile)
    try:
        with transaction.atomic():
            user.save()
            queue_email("verify_email", user=user)
            return user
    except IntegrityError as exc:
        raise EmailTaken() from exc
