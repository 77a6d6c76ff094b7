"""Queueing the messages the service sends: flows call these, the worker sends.

A request only writes a row in the task queue, after its own transaction has committed,
so a rolled back change never sends mail; ``accounts.tasks`` renders and sends.
"""

from __future__ import annotations

from django.db import transaction

from accounts.messages import BUILDERS
from accounts.models import User
from accounts.tasks import send_account_email, send_password_reset_email


def queue_email(kind: str, *, user: User, **data: str) -> None:
    """Enqueue the message ``kind`` for ``user`` once the current transaction commits.

    Args:
        kind: One of ``accounts.messages.BUILDERS``.
        user: Whose account it is about; the worker reloads it.
        **data: Plain values the message needs (addresses, ids), never secrets.
    """
    if kind not in BUILDERS:
        raise ValueError(f"Unknown email kind {kind!r}")
    user_id = user.pk
    transaction.on_commit(lambda: send_account_email.enqueue(kind=kind, user_id=user_id, data=data))


def queue_password_reset(email: str) -> None:
    """Enqueue a reset link for whoever owns ``email``; the worker finds out who that is.

    The request does exactly this, one insert, whether or not the account exists, so
    its answer and its timing say nothing about the address.
    """
    transaction.on_commit(lambda: send_password_reset_email.enqueue(email=email))
