"""Emailed links are bound to the account's state, and work once (items 3 and 14).

Someone with a stolen session and the password can park an email change: the link goes
to their own address and waits. A new password (reset, change, or set by staff) voids
it; a newer request voids an older link; a used link never works again, also after the
address changes back. Simultaneous uses of one link succeed exactly once.

Over HTTP against gunicorn; the links come from the real worker through a loopback SMTP
server, as the owner and the intruder receive them.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django_tasks_db.models import DBTaskResult

from accounts.models import PendingEmailChange, SecurityEvent, User
from accounts.tests.conftest import Mailbox, link_in
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.live import post_together, set_password, sign_in, staff_member
from core.tests.processes import Answer, Browser, Gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "an-entirely-new-passphrase"
INVALID_LINK = {"key": ["This link is invalid or has expired."], "codes": {"key": ["invalid_link"]}}


def park_change(browser: Browser, mailbox: Mailbox, new_email: str) -> str:
    """Ask to move the signed-in account to ``new_email``; the key sent there."""
    answer = browser.post("/auth/change_email/", {"new_email": new_email, "password": PASSWORD})
    assert answer.status == 202, answer
    delivered = {message["To"]: message for message in mailbox.run_worker()}
    return link_in(delivered[new_email], "/confirm-email")["key"]


def confirm(server: Gunicorn, key: str) -> Answer:
    return server.browser().post("/auth/confirm_email_change/", {"key": key})


def reset_link(server: Gunicorn, mailbox: Mailbox, email: str) -> dict[str, str]:
    assert server.browser().post("/auth/reset_password/", {"email": email}).status == 202
    return link_in(mailbox.deliver_one(email), "/reset-password")


def email_of(user: User) -> str:
    return User.objects.get(pk=user.pk).email


# --- Item 3: a parked change dies with the password; keys work once -------------------------


def _by_reset(server: Gunicorn, owner: Browser, user: User, mailbox: Mailbox) -> None:
    link = reset_link(server, mailbox, user.email)
    answer = server.browser().post(
        "/auth/reset_password_confirm/", {**link, "new_password": NEW_PASSWORD}
    )
    assert answer.status == 200, answer


def _by_change(server: Gunicorn, owner: Browser, user: User, mailbox: Mailbox) -> None:
    answer = owner.post(
        "/auth/change_password/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert answer.status == 200, answer


def _by_staff(server: Gunicorn, owner: Browser, user: User, mailbox: Mailbox) -> None:
    assert set_password(staff_member(server), user, NEW_PASSWORD).status == 302


@pytest.mark.parametrize("new_password", [_by_reset, _by_change, _by_staff])
def test_an_email_change_parked_with_a_stolen_session_dies_with_a_new_password(
    services, mailbox, new_password
):
    server = services("redis")
    user = UserFactory.create(email="owner@example.com")
    intruder, owner = sign_in(server, user), sign_in(server, user)
    key = park_change(intruder, mailbox, "intruder@example.net")

    new_password(server, owner, user, mailbox)
    mailbox.run_worker()

    answer = confirm(server, key)
    assert (answer.status, answer.json()) == (400, INVALID_LINK)
    assert email_of(user) == "owner@example.com"
    assert not PendingEmailChange.objects.exists()
    assert intruder.get("/auth/me/").status == 401


def test_a_newer_request_voids_the_older_link_and_asking_again_does_not_revive_it(
    services, mailbox
):
    server = services("redis")
    user = UserFactory.create(email="a@example.com")
    browser = sign_in(server, user)
    first = park_change(browser, mailbox, "b@example.com")
    second = park_change(browser, mailbox, "c@example.com")
    third = park_change(browser, mailbox, "b@example.com")  # the first address again

    assert (confirm(server, first).status, confirm(server, second).status) == (400, 400)
    assert confirm(server, third).status == 200
    assert email_of(user) == "b@example.com"


def test_a_used_key_never_works_again_even_after_the_address_changes_back(services, mailbox):
    server = services("redis")
    user = UserFactory.create(email="a@example.com")
    browser = sign_in(server, user)
    to_b = park_change(browser, mailbox, "b@example.com")
    assert confirm(server, to_b).status == 200
    mailbox.run_worker()
    back_to_a = park_change(browser, mailbox, "a@example.com")
    assert confirm(server, back_to_a).status == 200
    mailbox.run_worker()

    for key in (to_b, back_to_a):  # A -> B -> A: neither key moves the account again
        answer = confirm(server, key)
        assert (answer.status, answer.json()) == (400, INVALID_LINK)
    assert email_of(user) == "a@example.com"
    assert SecurityEvent.objects.filter(user=user, type="email_changed").count() == 2


# --- Item 14: simultaneous uses of one link ---------------------------------------------------


def outcome(answer: Answer) -> object:
    return answer.status if answer.status != 400 else answer.json()["codes"]


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_ten_simultaneous_uses_of_one_reset_link_reset_the_password_once(services, mailbox, store):
    server = services(store)
    user = UserFactory.create()
    link = reset_link(server, mailbox, user.email)
    queued = DBTaskResult.objects.count()

    answers = post_together(
        server,
        "/auth/reset_password_confirm/",
        [{**link, "new_password": f"{NEW_PASSWORD}-{n}"} for n in range(10)],
    )

    tally = Counter(str(outcome(answer)) for answer in answers)
    print(f"\n10 simultaneous resets with one link ({store}): {dict(tally)}")
    assert tally == {"200": 1, str({"token": ["invalid_link"]}): 9}
    winner = next(n for n, answer in enumerate(answers) if answer.status == 200)
    assert User.objects.get(pk=user.pk).check_password(f"{NEW_PASSWORD}-{winner}")
    assert SecurityEvent.objects.filter(user=user, type="password_reset").count() == 1
    assert DBTaskResult.objects.count() == queued + 1
    assert [message["Subject"] for message in mailbox.run_worker()] == ["Your password was changed"]


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_ten_simultaneous_uses_of_one_email_change_key_change_the_address_once(
    services, mailbox, store
):
    server = services(store)
    user = UserFactory.create(email="before@example.com")
    key = park_change(sign_in(server, user), mailbox, "after@example.com")

    answers = post_together(server, "/auth/confirm_email_change/", [{"key": key}] * 10)

    tally = Counter(str(outcome(answer)) for answer in answers)
    print(f"\n10 simultaneous confirmations of one key ({store}): {dict(tally)}")
    assert tally == {"200": 1, str({"key": ["invalid_link"]}): 9}
    assert email_of(user) == "after@example.com"
    assert SecurityEvent.objects.filter(user=user, type="email_changed").count() == 1
    assert [message["To"] for message in mailbox.run_worker()] == ["before@example.com"]
