"""The secrets in emailed links: password reset tokens, verification and email-change keys.

None of them is stored. Each is derived from the account's current state and signed
with ``SECRET_KEY``, so it is unguessable, expires, and dies as soon as the state it
was made from changes, which is what makes it single-use:

- a password reset token (Django's ``PasswordResetTokenGenerator``) hashes the
  password hash, the last login and the address, so setting a new password (by any
  route) or moving the account spends it;
- a verification key names the address it verifies, and is spent once that address is
  verified (or once the account moves to another address);
- an email-change key names a ``PendingEmailChange`` row, which using the key deletes;
  a newer request, a new password or a reset delete it too, so a key works once and
  an older one never comes back (A → B → A does not revive the first link).

The worker makes them when it renders a message, so no secret ever sits in the task
queue's table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.app_settings import app_settings
from accounts.models import PendingEmailChange, User

_VERIFY_SALT = "accounts.keys.verify-email"
_EMAIL_CHANGE_SALT = "accounts.keys.change-email"


class _ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.keys.password-reset"


password_reset_tokens = _ResetTokenGenerator()


def make_reset_uid(user: User) -> str:
    """The ``uid`` of a reset link: the primary key, URL-safe base64."""
    return urlsafe_base64_encode(force_bytes(user.pk))


def make_reset_token(user: User) -> str:
    """A reset token valid for ``PASSWORD_RESET_TIMEOUT`` and until the password changes."""
    return password_reset_tokens.make_token(user)


def user_for_reset(*, uid: str, token: str, lock: bool = False) -> User | None:
    """Return the active user whose valid reset token this is, or ``None``.

    Args:
        uid: The ``uid`` from the link.
        token: The ``token`` from the link.
        lock: Lock the account's row until the transaction ends (use inside one), so
            that simultaneous uses of the link are checked one after the other and only
            the first finds the token valid.
    """
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    users = User.objects.filter(pk=pk, is_active=True)
    user = (users.select_for_update() if lock else users).first()
    if user is None or not password_reset_tokens.check_token(user, token):
        return None
    return user


def make_verification_key(user: User) -> str:
    """A key proving that whoever holds it reads mail sent to ``user.email``."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_VERIFY_SALT)


def user_for_verification(key: str, *, max_age: timedelta | None = None) -> User | None:
    """Return the user whose current, still unverified address this key verifies.

    Args:
        key: The key from the link.
        max_age: How old the key may be; ``EMAIL_VERIFICATION_KEY_MAX_AGE`` by default.

    Returns:
        The user, or ``None`` if the key is forged, expired or spent.
    """
    payload = _load(key, _VERIFY_SALT, max_age or app_settings.EMAIL_VERIFICATION_KEY_MAX_AGE)
    if payload is None:
        return None
    user = _active_user(payload.get("user"))
    if user is None or user.email != payload.get("email") or user.email_verified:
        return None
    return user


@dataclass(frozen=True)
class EmailChange:
    user: User
    new_email: str


def make_email_change_key(change: PendingEmailChange) -> str:
    """A key that confirms the pending ``change`` (and no other)."""
    return signing.dumps(
        {"user": change.user_id, "change": change.pk, "to": change.new_email},
        salt=_EMAIL_CHANGE_SALT,
    )


def take_email_change(key: str, *, max_age: timedelta | None = None) -> EmailChange | None:
    """Use up the change this key confirms; ``None`` if forged, expired, void or spent.

    The pending row is deleted in one statement, so of simultaneous uses exactly one
    gets the change. Call it inside the transaction that makes the change.
    """
    payload = _load(key, _EMAIL_CHANGE_SALT, max_age or app_settings.EMAIL_CHANGE_KEY_MAX_AGE)
    if payload is None or not isinstance(payload.get("change"), int):
        return None
    user = _active_user(payload.get("user"))
    if user is None:
        return None
    deleted, _by_model = PendingEmailChange.objects.filter(
        pk=payload["change"], user=user, new_email=payload.get("to")
    ).delete()
    if not deleted:
        return None
    return EmailChange(user=user, new_email=payload["to"])


def _active_user(user_id: object) -> User | None:
    # The keys are signed by us and always hold an integer id; anything else names nobody.
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _load(key: str, salt: str, max_age: timedelta) -> dict[str, Any] | None:
    try:
        payload = signing.loads(key, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return payload if isinstance(payload, dict) else None
