"""A real mail server on loopback and the real task worker, for end-to-end email tests."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Mailbox:
    """An aiosmtpd handler that keeps what it receives; ``refuse`` makes it answer with errors.

    ``refuse`` holds the SMTP replies to give to the next ``DATA`` commands (``"451 ..."``
    for a transient failure, ``"550 ..."`` for a permanent one), one per message.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        assert isinstance(envelope.content, bytes)  # the controller does not decode data
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def run_worker(self) -> list[EmailMessage]:
        """Run ``db_worker`` until the queue is empty; return the messages it delivered."""
        before = len(self.messages)
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        return self.messages[before:]

    def deliver_one(self, to: str) -> EmailMessage:
        """Run the worker and return the single message it delivered, checking its address."""
        delivered = self.run_worker()
        assert [message["To"] for message in delivered] == [to], delivered
        return delivered[0]


@pytest.fixture
def mailbox(settings: Settings, transactional_db: None) -> Iterator[Mailbox]:
    """A loopback SMTP server that the service's SMTP settings point to.

    Tests using it are transactional: the worker commits and checks connections as it
    does in production, and ``transaction.on_commit`` really runs.
    """
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield handler
    finally:
        controller.stop()


def text_part(message: EmailMessage) -> str:
    return _part(message, "plain")


def html_part(message: EmailMessage) -> str:
    return _part(message, "html")


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    content: str = part.get_content()
    return content


#: Where an emailed link to a front-end path lands when no front end is configured.
OWN_PAGES = {
    "/verify-email": "/account/verify-email/",
    "/reset-password": "/account/reset-password/",
    "/confirm-email": "/account/confirm-email/",
}


def link_base(path: str) -> str:
    """The start of emailed links to ``path``: the front end's, else the service's own page."""
    if settings.FRONTEND_URL:
        return f"{settings.FRONTEND_URL}{path}"
    return f"{settings.SITE_URL}{OWN_PAGES[path]}"


def link_in(message: EmailMessage, path: str) -> dict[str, str]:
    """Find the link to ``path`` in both parts; return its query values."""
    pattern = re.escape(f"{link_base(path)}?") + r"[^\s\"<]+"
    found = re.findall(pattern, text_part(message))
    assert len(found) == 1, text_part(message)
    link = found[0]
    assert link.replace("&", "&amp;") in html_part(message)
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def queued_tasks() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.order_by("enqueued_at"))
