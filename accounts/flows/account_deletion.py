"""Closing an account: everything the service holds about the user goes."""

from __future__ import annotations

import logging

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from accounts.errors import WrongPassword
from accounts.models import User
from accounts.security.sessions import end_sessions
from accounts.security.tokens import revoke_user_tokens

logger = logging.getLogger(__name__)


@transaction.atomic
def delete_account(*, request: HttpRequest, user: User, password: str) -> None:
    """Delete ``user`` with its sessions, tokens and security events.

    An ``account_deleted`` security event cannot outlive the account it belongs to
    without keeping data about the person (an event row keeps the IP address and
    user agent), so none is stored: the deletion is written to the application log
    with the account id only. The address can be registered again at once.

    Args:
        request: The request of the signed-in user; its session ends too.
        user: The signed-in user.
        password: The account's password: a borrowed session alone cannot delete it.

    Raises:
        WrongPassword: On ``password``.
    """
    if not user.check_password(password):
        raise WrongPassword("password")
    user_id = user.pk
    # Sessions and tokens go through their modules so that cached copies go too.
    end_sessions(user_id=user_id)
    revoke_user_tokens(user=user)
    logout(request)
    # Security events and any other rows that point at the user cascade.
    user.delete()
    logger.info("account_deleted user_id=%s", user_id)
