"""Recovering an account whose password is forgotten: an emailed single-use link."""

from __future__ import annotations

from django.db import transaction

from accounts.emails import queue_email, queue_password_reset
from accounts.errors import InvalidLink
from accounts.models import SecurityEvent, User, normalize_email
from accounts.security import keys, lockout
from accounts.security.events import record_security_event
from accounts.security.passwords import validate_new_password
from core.client import Client


def request_password_reset(*, email: str) -> None:
    """Queue a reset link for ``email``, whether or not an account uses it.

    The request does the same work either way (one queue insert, no lookup), so
    neither its answer nor its timing tells whether the address is registered; the
    worker looks the account up and sends nothing for an unknown address.
    """
    queue_password_reset(normalize_email(email))


@transaction.atomic
def confirm_password_reset(*, uid: str, token: str, new_password: str, client: Client) -> User:
    """Set a new password from an emailed link and sign the account out everywhere.

    The token is Django's password reset token: valid for ``PASSWORD_RESET_TIMEOUT``
    (one hour) and spent once the password changes. The account's row is locked while
    the token is checked and the password set, so of simultaneous uses of one link
    exactly one succeeds. A refused attempt (a weak new password, say) changes
    nothing, so the link still works.

    Args:
        uid: The ``uid`` from the link.
        token: The ``token`` from the link.
        new_password: The new password, checked against the password validators.
        client: Where the request comes from, for the event.

    Returns:
        The user, with the new password.

    Raises:
        InvalidLink: On ``token``, for a forged, expired or used link.
        FieldErrors: On ``new_password``, from the password validators.
    """
    user = keys.user_for_reset(uid=uid, token=token, lock=True)
    if user is None:
        raise InvalidLink(field="token")
    validate_new_password(new_password, user=user)
    # Every session, bearer token and pending email change ends with the new password
    # (``accounts.security.credentials``): a second factor, if any, stays.
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The owner proved control of the inbox: failed logins counted against the
    # address (perhaps an attacker's) no longer keep them out.
    lockout.clear(email=user.email)
    record_security_event(type=SecurityEvent.Type.PASSWORD_RESET, user=user, client=client)
    queue_email("password_changed", user=user)
    return user
