"""Changing the password while signed in."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest

from accounts.emails import queue_email
from accounts.errors import WrongPassword
from accounts.models import SecurityEvent, User
from accounts.security.events import record_security_event
from accounts.security.passwords import validate_new_password
from accounts.security.sessions import end_sessions
from accounts.security.tokens import revoke_user_tokens


@transaction.atomic
def change_password(
    *, request: HttpRequest, user: User, current_password: str, new_password: str
) -> User:
    """Replace the password, signing out everything but the session making the change.

    Whoever knew the old password may hold another session or a bearer token; all of
    them end here. The caller's own session stays valid (its key is rotated and its
    auth hash updated), as the user is plainly present.

    Args:
        request: The request of the signed-in user.
        user: The signed-in user.
        current_password: Proof that the person at the keyboard is the owner.
        new_password: The new password, checked against the password validators.

    Returns:
        The user, with the new password.

    Raises:
        WrongPassword: On ``current_password``.
        ValidationError: On ``new_password``, from the password validators.
    """
    if not user.check_password(current_password):
        raise WrongPassword("current_password")
    validate_new_password(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    end_sessions(user_id=user.pk, keep_session_key=request.session.session_key)
    revoke_user_tokens(user=user)
    if SESSION_KEY in request.session:
        # Only a session-authenticated change has a session to keep; a bearer client
        # must not be handed a new, empty one.
        update_session_auth_hash(request, user)
    record_security_event(type=SecurityEvent.Type.PASSWORD_CHANGED, user=user, request=request)
    queue_email("password_changed", user=user)
    return user
