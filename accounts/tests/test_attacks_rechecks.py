"""A stolen session or token is no way to guess the password (item 2).

Every re-check of a signed-in user's password (``change_password``, ``change_email``,
``delete_account``) counts toward one limit per account: 5 failures within 5 minutes,
then 429 ``reauthentication_locked`` with ``Retry-After``, for the right password too,
from every session and token of the account, until the window passes. Each failure is a
``reauthentication_failed`` event. Over HTTP against gunicorn, counting in Redis and in
the database.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from accounts.models import SecurityEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.live import sign_in
from core.models import Counter as CounterRow
from core.tests.processes import Answer, Browser, RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "an-entirely-new-passphrase"


def change_password(browser: Browser, password: str) -> Answer:
    return browser.post(
        "/auth/change_password/", {"current_password": password, "new_password": NEW_PASSWORD}
    )


def change_email(browser: Browser, password: str) -> Answer:
    return browser.post(
        "/auth/change_email/", {"new_email": "elsewhere@example.com", "password": password}
    )


def delete_account(browser: Browser, password: str) -> Answer:
    return browser.post("/auth/delete_account/", {"password": password})


RECHECKS = [change_password, change_email, delete_account]


def wrong_password(answer: Answer) -> bool:
    body = answer.json()
    return answer.status == 400 and "wrong_password" in str(body.get("codes"))


def locked(answer: Answer) -> bool:
    return (
        answer.status == 429
        and answer.code == "reauthentication_locked"
        and answer.headers["retry-after"].isdigit()
        and 0 < int(answer.headers["retry-after"]) <= 300
    )


def end_the_window(user: User, redis: RedisServer, store: str) -> None:
    """Let the account's re-check window pass, by ageing its counter (time travel on data)."""
    if store == "redis":
        for key in redis.client().scan_iter(f"*counter:recheck:{user.pk}"):
            redis.client().pexpire(key, 1)
        time.sleep(0.01)
    else:
        CounterRow.objects.filter(key=f"recheck:{user.pk}").update(expires_at=time.time() - 1)


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_five_failed_rechecks_of_any_kind_lock_every_recheck_of_the_account(
    services, throwaway_redis, store
):
    server = services(store)
    user = UserFactory.create()
    thief = sign_in(server, user)
    owner = sign_in(server, user)
    created = owner.post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "script"}
    )
    bearer = server.browser(Authorization=f"Bearer {created.json()['token']}")

    # (change_email has its own limit of requests besides: 5 an hour per account.)
    for recheck in [change_password, delete_account, change_email, change_password, delete_account]:
        assert wrong_password(recheck(thief, "guess-1234")), recheck

    # The right password is refused now, from every session and token of the account.
    for browser in (thief, owner, bearer):
        for recheck in RECHECKS:
            assert locked(recheck(browser, PASSWORD)), (recheck, browser.headers)
    assert SecurityEvent.objects.filter(user=user, type="reauthentication_failed").count() == 5
    after = User.objects.get(pk=user.pk)
    assert (after.email, after.check_password(PASSWORD)) == (user.email, True)
    assert not hasattr(after, "pending_email_change")

    end_the_window(user, throwaway_redis, store)

    assert change_email(owner, PASSWORD).status == 202
    assert change_password(owner, PASSWORD).status == 200


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_successful_recheck_does_not_reset_the_count(services, store):
    # A thief who knows nothing cannot wipe the count with a right guess later: a
    # success gives back only its own slot.
    server = services(store)
    user = UserFactory.create()
    browser = sign_in(server, user)
    for recheck in [change_password, delete_account, change_password, delete_account]:
        assert wrong_password(recheck(browser, "guess-1234"))

    assert change_email(browser, PASSWORD).status == 202
    assert wrong_password(delete_account(browser, "guess-5678"))
    assert locked(change_password(browser, PASSWORD))


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_twenty_simultaneous_wrong_rechecks_let_exactly_five_be_tried(services, store):
    server = services(store)
    user = UserFactory.create()
    browser = sign_in(server, user)
    tabs = [browser.copy() for _ in range(20)]
    barrier = Barrier(len(tabs))

    def guess(n: int) -> Answer:
        tabs[n].get("/health/live/")  # the connection is open before the barrier
        barrier.wait()
        recheck = change_password if n % 2 else delete_account  # no request limit of their own
        return recheck(tabs[n], f"guess-{n}")

    with ThreadPoolExecutor(len(tabs)) as pool:
        answers = list(pool.map(guess, range(len(tabs))))

    outcomes = Counter(
        "wrong" if wrong_password(a) else "locked" if locked(a) else a.status for a in answers
    )
    print(f"\n20 simultaneous wrong re-checks ({store}): {dict(outcomes)}")
    assert outcomes == {"wrong": 5, "locked": 15}
    assert SecurityEvent.objects.filter(user=user, type="reauthentication_failed").count() == 5
    assert User.objects.filter(pk=user.pk).exists()
