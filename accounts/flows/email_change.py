"""Moving an account to another email address, confirmed from the new address."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.emails import queue_email
from accounts.errors import EmailTaken, InvalidLink, SameEmail
from accounts.models import PendingEmailChange, SecurityEvent, User, normalize_email
from accounts.security import keys
from accounts.security.events import record_security_event
from accounts.security.rechecks import recheck_password
from core.client import Client


def request_email_change(*, user: User, new_email: str, password: str, client: Client) -> None:
    """Send a confirmation link to ``new_email`` and a notice to the current address.

    Nothing changes on the account until the link is followed, so a typo in the new
    address cannot lock the owner out. A newer request voids the link of an older one.

    Args:
        user: The signed-in user.
        new_email: The address to move to.
        password: The account's password, checked under the re-check limit: a
            borrowed session alone cannot move the account.
        client: Where the request comes from.

    Raises:
        ReauthenticationLocked: Too many failed re-checks of this account.
        WrongPassword: On ``password``.
        SameEmail: The account already uses ``new_email``.
        EmailTaken: On ``new_email``, when another account uses it.
    """
    recheck_password(user=user, password=password, client=client)
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise SameEmail()
    if User.objects.filter(email=new_email).exists():
        raise EmailTaken(field="new_email")
    with transaction.atomic():
        PendingEmailChange.objects.filter(user=user).delete()
        change = PendingEmailChange.objects.create(user=user, new_email=new_email)
        queue_email("email_change_confirm", user=user, change_id=str(change.pk))
        queue_email("email_change_requested", user=user, old_email=user.email, new_email=new_email)


@transaction.atomic
def confirm_email_change(*, key: str, client: Client) -> User:
    """Move the account to the address named by ``key``; the new address is verified.

    The key names a pending change, which using it deletes: of simultaneous uses one
    succeeds, and the key never works again. It expires after an hour; a newer request,
    a password change or a reset void it. The old address is told of the change.

    Args:
        key: The ``key`` from the link sent to the new address.
        client: Where the request comes from, for the event.

    Returns:
        The user, with the new address, verified.

    Raises:
        InvalidLink: On ``key``, for a forged, expired, void or spent key.
        EmailTaken: Another account took the address after the change was requested.
    """
    change = keys.take_email_change(key)
    if change is None:
        raise InvalidLink()
    user, old_email = change.user, change.user.email
    if User.objects.filter(email=change.new_email).exists():
        raise EmailTaken()
    user.email = change.new_email
    user.email_verified = True
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified"])
    except IntegrityError as exc:  # registered by a concurrent request
        raise EmailTaken() from exc
    record_security_event(type=SecurityEvent.Type.EMAIL_CHANGED, user=user, client=client)
    queue_email("email_changed", user=user, old_email=old_email, new_email=user.email)
    return user
