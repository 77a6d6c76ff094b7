"""Moving an account to another email address, confirmed from the new address."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.emails import queue_email
from accounts.errors import EmailTaken, InvalidLink, SameEmail, WrongPassword
from accounts.models import SecurityEvent, User, normalize_email
from accounts.security import keys
from accounts.security.events import record_security_event


@transaction.atomic
def request_email_change(*, user: User, new_email: str, password: str) -> None:
    """Send a confirmation link to ``new_email`` and a notice to the current address.

    Nothing changes on the account until the link is followed, so a typo in the new
    address cannot lock the owner out.

    Args:
        user: The signed-in user.
        new_email: The address to move to.
        password: The account's password: a borrowed session alone cannot move it.

    Raises:
        WrongPassword: On ``password``.
        SameEmail: The account already uses ``new_email``.
        EmailTaken: On ``new_email``, when another account uses it.
    """
    if not user.check_password(password):
        raise WrongPassword("password")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise SameEmail()
    if User.objects.filter(email=new_email).exists():
        raise EmailTaken("new_email")
    queue_email("email_change_confirm", user=user, new_email=new_email)
    queue_email("email_change_requested", user=user, old_email=user.email, new_email=new_email)


@transaction.atomic
def confirm_email_change(*, key: str, request: HttpRequest | None = None) -> User:
    """Move the account to the address named by ``key``; the new address is verified.

    The key names the address it was made for, so it is spent once the account
    moves; it expires after an hour. The old address is told of the change.

    Args:
        key: The ``key`` from the link sent to the new address.
        request: The request, for the security event.

    Returns:
        The user, with the new address, verified.

    Raises:
        InvalidLink: On ``key``, for a forged, expired or spent key.
        EmailTaken: Another account took the address after the change was requested.
    """
    change = keys.email_change_for(key)
    if change is None:
        raise InvalidLink("key")
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
    record_security_event(type=SecurityEvent.Type.EMAIL_CHANGED, user=user, request=request)
    queue_email("email_changed", user=user, old_email=old_email, new_email=user.email)
    return user
