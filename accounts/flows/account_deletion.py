"""Closing an account: everything the service holds about the user goes."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import User
from accounts.security.rechecks import recheck_password
from core.client import Client

logger = logging.getLogger(__name__)


def delete_account(*, user: User, password: str, client: Client) -> None:
    """Delete ``user`` with its sessions, tokens, security events and pending changes.

    The rows cascade from the user; ``accounts.security.cache`` sees each session's
    delete, so a cached copy stops working on every server (or the deletion is refused
    with 503 and nothing goes). An ``account_deleted`` security event cannot outlive
    the account without keeping data about the person (an event keeps the IP address
    and user agent), so the deletion is written to the application log with the
    account id only. The address can be registered again at once.

    Args:
        user: The signed-in user.
        password: The account's password, under the re-check limit: a borrowed
            session alone cannot delete the account.
        client: Where the request comes from.

    Raises:
        ReauthenticationLocked: Too many failed re-checks of this account.
        WrongPassword: On ``password``.
    """
    recheck_password(user=user, password=password, client=client)
    user_id = user.pk
    with transaction.atomic():
        user.delete()
    logger.info("account_deleted user_id=%s", user_id)
