"""Changing the password while signed in."""

from __future__ import annotations

from django.db import transaction

from accounts.emails import queue_email
from accounts.models import SecurityEvent, User
from accounts.security.events import record_security_event
from accounts.security.passwords import validate_new_password
from accounts.security.rechecks import recheck_password
from core.client import Client


def change_password(
    *, user: User, current_password: str, new_password: str, client: Client
) -> User:
    """Replace the password; every session and bearer token of the account ends.

    Whoever knew the old password may hold a session or a bearer token: all of them
    end with the new password (``accounts.security.credentials``). The interface that
    served the change keeps its own session going under a new key.

    Args:
        user: The signed-in user.
        current_password: Proof that the person at the keyboard is the owner; checked
            under the re-check limit, so a stolen session cannot guess it.
        new_password: The new password, checked against the password validators.
        client: Where the request comes from.

    Returns:
        The user, with the new password.

    Raises:
        ReauthenticationLocked: Too many failed re-checks of this account.
        WrongPassword: On ``current_password``.
        FieldErrors: On ``new_password``, from the password validators.
    """
    recheck_password(user=user, password=current_password, client=client, field="current_password")
    validate_new_password(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_security_event(type=SecurityEvent.Type.PASSWORD_CHANGED, user=user, client=client)
        queue_email("password_changed", user=user)
    return user
