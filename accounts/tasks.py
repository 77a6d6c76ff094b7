"""Worker entry points: load the account, render the message, send it.

Run by ``manage.py db_worker`` (the database backend of Django's tasks framework).
The backport does not retry failed tasks, so sending does: a transient SMTP failure
(the server unreachable, timing out, or answering 4xx) enqueues the same task again
with ``run_after`` set, after ``EMAIL_RETRY_DELAY`` doubled for each attempt, up to
``EMAIL_MAX_ATTEMPTS``. A permanent refusal (5xx) or the last attempt fails the task,
which keeps the traceback in the queue table for the operator.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from accounts.app_settings import app_settings
from accounts.messages import build_message
from accounts.models import User, normalize_email

logger = logging.getLogger(__name__)


@task()
def send_account_email(*, kind: str, user_id: int, data: dict[str, str], attempt: int = 1) -> str:
    """Send the message ``kind`` about the account ``user_id``."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:  # deleted since: nothing of it is kept, not even its mail
        return "skipped: no such account"
    message = build_message(kind, user=user, data=data)
    if message is None:
        return "skipped: no longer applies"
    return _send(
        message,
        attempt=attempt,
        retry=lambda **changes: send_account_email.using(**changes).enqueue(
            kind=kind, user_id=user_id, data=data, attempt=attempt + 1
        ),
    )


@task()
def send_password_reset_email(*, email: str, attempt: int = 1) -> str:
    """Send a reset link to the active account of ``email``, if there is one."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        return "skipped: no such account"
    message = build_message("password_reset", user=user, data={})
    assert message is not None
    return _send(
        message,
        attempt=attempt,
        retry=lambda **changes: send_password_reset_email.using(**changes).enqueue(
            email=email, attempt=attempt + 1
        ),
    )


def _send(message: EmailMultiAlternatives, *, attempt: int, retry: Any) -> str:
    """Hand ``message`` to the mail server, scheduling a retry of a transient failure."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        if not is_transient(exc) or attempt >= app_settings.EMAIL_MAX_ATTEMPTS:
            logger.error("Giving up on %r after attempt %d: %s", message.subject, attempt, exc)
            raise
        delay = app_settings.EMAIL_RETRY_DELAY * 2 ** (attempt - 1)
        retry(run_after=timezone.now() + delay)
        logger.warning(
            "Sending %r failed (attempt %d: %s); retrying in %s",
            message.subject,
            attempt,
            exc,
            delay,
        )
        return f"retrying: attempt {attempt} failed"
    return "sent"


def is_transient(exc: BaseException) -> bool:
    """Whether trying again later may succeed: network trouble or an SMTP 4xx reply."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):  # e.g. a required extension is missing
        return False
    # Refused connections, timeouts, TLS failures on the way.
    return isinstance(exc, OSError)
