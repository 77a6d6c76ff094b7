"""Proving that the account's address is the user's: an emailed key, posted back."""

from __future__ import annotations

from django.db import transaction

from accounts.emails import queue_email
from accounts.errors import InvalidLink
from accounts.models import SecurityEvent, User
from accounts.security import keys
from accounts.security.events import record_security_event
from core.client import Client


def resend_verification(*, user: User) -> None:
    """Queue a new verification email, unless the address is already verified.

    Earlier keys stay valid until they expire or the address is verified; each
    message carries its own key.
    """
    if not user.email_verified:
        queue_email("verify_email", user=user)


@transaction.atomic
def verify_email(*, key: str, client: Client) -> User:
    """Mark the address named by ``key`` verified; the key is the proof, no session needed.

    Args:
        key: The ``key`` from the emailed link.
        client: Where the request comes from, for the security event.

    Returns:
        The user, with ``email_verified`` true.

    Raises:
        InvalidLink: The key is forged, older than 24 hours, or spent (the address is
            verified already, or is no longer the account's).
    """
    user = keys.user_for_verification(key)
    if user is None:
        raise InvalidLink()
    # Conditional, so two concurrent clicks record one event.
    updated = User.objects.filter(pk=user.pk, email=user.email, email_verified=False).update(
        email_verified=True
    )
    if not updated:
        raise InvalidLink()
    user.email_verified = True
    record_security_event(type=SecurityEvent.Type.EMAIL_VERIFIED, user=user, client=client)
    return user
