"""Email leaves through the task worker, and transient SMTP failures are retried."""

from __future__ import annotations

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.conftest import queued_tasks
from accounts.tests.factories import UserFactory
from core.tests.processes import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_retry_delay(settings):
    settings.ACCOUNTS_EMAIL_RETRY_DELAY = 0


def _ask_for_reset(client, email):
    return client.post("/auth/reset_password/", {"email": email}, format="json")


def test_the_request_only_enqueues_and_the_worker_sends(client, mailbox):
    user = UserFactory.create()

    _ask_for_reset(client, user.email)

    assert mailbox.messages == []
    [task] = queued_tasks()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "accounts.tasks.send_password_reset_email"
    # No secret waits in the queue: the worker makes the link when it renders.
    assert task.args_kwargs == {"args": [], "kwargs": {"email": user.email}}
    mailbox.deliver_one(user.email)
    task.refresh_from_db()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, "sent")


def test_a_transient_smtp_failure_is_retried_until_it_goes_through(client, mailbox, no_retry_delay):
    user = UserFactory.create()
    mailbox.refuse = ["451 4.3.0 Try again later", "421 4.3.2 Service shutting down"]

    _ask_for_reset(client, user.email)
    delivered = mailbox.run_worker()

    assert [message["To"] for message in delivered] == [user.email]
    attempts = [(task.status, task.return_value) for task in queued_tasks()]
    assert attempts == [
        (TaskResultStatus.SUCCESSFUL, "retrying: attempt 1 failed"),
        (TaskResultStatus.SUCCESSFUL, "retrying: attempt 2 failed"),
        (TaskResultStatus.SUCCESSFUL, "sent"),
    ]


def test_a_retry_waits_before_it_runs(client, mailbox, settings):
    settings.ACCOUNTS_EMAIL_RETRY_DELAY = 60
    user = UserFactory.create()
    mailbox.refuse = ["451 4.3.0 Try again later"]

    _ask_for_reset(client, user.email)

    assert mailbox.run_worker() == []
    first, retry = queued_tasks()
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["kwargs"] == {"email": user.email, "attempt": 2}
    assert 59 <= (retry.run_after - first.finished_at).total_seconds() <= 61


def test_the_worker_gives_up_after_the_last_attempt(client, mailbox, settings, no_retry_delay):
    settings.ACCOUNTS_EMAIL_MAX_ATTEMPTS = 3
    user = UserFactory.create()
    mailbox.refuse = ["451 4.3.0 Try again later"] * 5

    _ask_for_reset(client, user.email)

    assert mailbox.run_worker() == []
    statuses = [task.status for task in queued_tasks()]
    assert statuses == [TaskResultStatus.SUCCESSFUL] * 2 + [TaskResultStatus.FAILED]
    assert DBTaskResult.objects.failed().get().exception_class_path == "smtplib.SMTPDataError"


def test_a_permanent_refusal_is_not_retried(client, mailbox, no_retry_delay):
    user = UserFactory.create()
    mailbox.refuse = ["550 5.1.1 No such mailbox"]

    _ask_for_reset(client, user.email)

    assert mailbox.run_worker() == []
    [task] = queued_tasks()
    assert task.status == TaskResultStatus.FAILED


def test_an_unreachable_server_is_retried(client, mailbox, settings, no_retry_delay):
    user = UserFactory.create()
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.ACCOUNTS_EMAIL_MAX_ATTEMPTS = 2
    _ask_for_reset(client, user.email)

    assert mailbox.run_worker() == []
    first, last = queued_tasks()
    assert first.return_value == "retrying: attempt 1 failed"
    assert last.exception_class_path == "builtins.ConnectionRefusedError"

    settings.EMAIL_PORT = port
    _ask_for_reset(client, user.email)
    mailbox.deliver_one(user.email)
