"""Real servers for end-to-end tests: a mail server and the task worker; gunicorn and Redis."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from core.tests.processes import Gunicorn, RedisServer, free_port, service_environment


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


# --- The service under gunicorn, on the test database ------------------------------------


def test_database_url() -> str:
    """The URL of the database pytest-django made, for server processes to share it."""
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{config['NAME']}"
    credentials = quote(config["USER"] or "") + (
        f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
    )
    host = f"{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{config['NAME']}"


class Services:
    """Gunicorn servers on the test database, each started on first use and kept running.

    Configurations (the cache each server has; every one shares the test's database):

    - ``"redis"`` and ``"redis-2"``: two servers on the test's own throwaway Redis;
    - ``"no-cache"``: no Redis at all (everything in the database, the embedded default);
    - ``"unreachable"``: ``REDIS_URL`` names a port where nothing listens.

    Tests using them are transactional: what the test writes is committed, so the
    servers see it, and what the servers write the test reads back.
    """

    def __init__(self, database_url: str, redis: RedisServer, directory: Path) -> None:
        self.database_url = database_url
        self.redis = redis
        self.directory = directory
        self.running: dict[str, Gunicorn] = {}
        self.content_types = list(ContentType.objects.values_list("id", "app_label", "model"))

    def pin_content_types(self) -> None:
        """Give content types back the ids that the running servers have cached.

        Django caches content types per process, and the servers outlive the flush that
        ends each transactional test, after which the types are made again with new ids:
        the admin would then log its actions against ids that no longer exist.
        """
        if list(ContentType.objects.values_list("id", "app_label", "model")) == self.content_types:
            return
        with transaction.atomic():
            ContentType.objects.all().delete()  # and their permissions
            ContentType.objects.bulk_create(
                ContentType(id=pk, app_label=label, model=model)
                for pk, label, model in self.content_types
            )
            ContentType.objects.clear_cache()
            for app_config in apps.get_app_configs():
                create_permissions(app_config, verbosity=0)

    def redis_url_of(self, name: str) -> str | None:
        if name.startswith("redis"):
            return self.redis.url()
        if name == "unreachable":
            return f"redis://127.0.0.1:{free_port()}/0"
        assert name == "no-cache", name
        return None

    def __call__(self, name: str) -> Gunicorn:
        if name not in self.running:
            env = service_environment(
                DATABASE_URL=self.database_url,
                REDIS_URL=self.redis_url_of(name),
                # Staff sign in to the admin with a password alone here: the second step
                # and its requirement are tested by the second-factor app.
                ACCOUNTS_ADMIN_REQUIRE_MFA="0",
            )
            directory = self.directory / name
            directory.mkdir()
            server = Gunicorn(env, directory)
            server.start()
            self.running[name] = server
        return self.running[name]

    def stop(self) -> None:
        for server in self.running.values():
            server.stop()


@pytest.fixture(scope="session")
def throwaway_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of this test session's own, so Redis tests run on every store."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _gunicorn_services(
    django_db_setup: None,
    django_db_blocker: Any,
    throwaway_redis: RedisServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Services]:
    with django_db_blocker.unblock():
        services = Services(
            test_database_url(), throwaway_redis, tmp_path_factory.mktemp("gunicorn")
        )
    try:
        yield services
    finally:
        services.stop()  # before pytest-django drops the test database


@pytest.fixture
def services(
    _gunicorn_services: Services, transactional_db: None, throwaway_redis: RedisServer
) -> Services:
    """The gunicorn servers, with an empty throwaway Redis for this test."""
    throwaway_redis.flush()
    _gunicorn_services.pin_content_types()
    return _gunicorn_services
