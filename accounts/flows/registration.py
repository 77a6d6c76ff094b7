"""Registering a new account."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.emails import queue_email
from accounts.errors import EmailTaken
from accounts.models import User, normalize_email
from accounts.security.passwords import validate_new_password


def register_user(*, email: str, password: str, **profile: Any) -> User:
    """Create an account in the ``Onboarding`` status; no session is started.

    A verification email is queued when the account is committed.

    Args:
        email: The address to register; compared and stored lower-case.
        password: The raw password, checked against the password validators (with the
            account's email and names, so it cannot be one of them).
        **profile: Optional ``first_name``, ``last_name``, ``currency``, ``language``.

    Returns:
        The new user.

    Raises:
        FieldErrors: On ``password``, from the password validators.
        EmailTaken: If an account already uses the address, in any capitalisation,
            including when a concurrent request registers it first.
    """
    email = normalize_email(email)
    validate_new_password(password, user=User(email=email, **profile), field="password")
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
