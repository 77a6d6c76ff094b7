"""A change of a user's flags in the admin holds from the user's next request, everywhere (item 13).

Staff deactivate a user, or take away (or give) staff or superuser rights, in the admin's
user form on one server, while the user's own browser hammers ``/auth/me/`` and admin
pages on that server and another (threads, kept-alive connections). With Redis the
servers cache signed-in users; without, they read the table. Every request the user
sends after the admin's answer has arrived (so after the change committed) must see the
new flags: no window, on no server, in any of the trials.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.live import change_user, sign_in, staff_member
from core.tests.processes import Browser, Gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

#: Trials of each change, on each store. (Staff pages are the token list: the lightest
#: page that needs staff rights, and superuser rights for a staff member with no permission.)
TRIALS = 10
READERS_PER_SERVER = 2


@dataclass(frozen=True)
class FlagChange:
    """A change staff make, and what the user's requests answer before and after it."""

    before: dict[str, bool]
    change: dict[str, bool]
    #: ``(path, status before, status after)``
    probes: tuple[tuple[str, int, int], ...]


CHANGES = {
    "deactivated": FlagChange(
        {"is_staff": True, "is_superuser": True},
        {"is_active": False},
        (("/auth/me/", 200, 401), ("/admin/", 200, 302)),
    ),
    "no-longer-staff": FlagChange(
        {"is_staff": True, "is_superuser": True},
        {"is_staff": False},
        (("/admin/", 200, 302), ("/admin/accounts/authtoken/", 200, 302)),
    ),
    "no-longer-superuser": FlagChange(
        {"is_staff": True, "is_superuser": True},
        {"is_superuser": False},
        (("/admin/accounts/authtoken/", 200, 403),),
    ),
    "made-superuser": FlagChange(
        {"is_staff": True, "is_superuser": False},
        {"is_superuser": True},
        (("/admin/accounts/authtoken/", 403, 200),),
    ),
}


@dataclass
class Seen:
    path: str
    status: int
    sent: float
    received: float


def hammer(browser: Browser, probes: tuple[tuple[str, int, int], ...], stop: threading.Event,
           seen: list[Seen]) -> None:  # fmt: skip
    while not stop.is_set():
        for path, _before, _after in probes:
            answer = browser.get(path)
            seen.append(Seen(path, answer.status, answer.sent, answer.received))


def trial(victim_servers: list[Gunicorn], staff: Browser, flags: FlagChange) -> tuple[int, int]:
    """One change under load; returns how many requests were answered before and after it."""
    user = UserFactory.create(**flags.before)
    signed_in = sign_in(victim_servers[0], user)
    for server in victim_servers:  # read (and cached, with Redis) on every server
        for path, before, _after in flags.probes:
            for _ in range(2):
                assert signed_in.copy(port=server.port).get(path).status == before, path
    stop = threading.Event()
    seen: list[list[Seen]] = []
    readers = []
    for server in victim_servers:
        for _ in range(READERS_PER_SERVER):
            seen.append([])
            browser = signed_in.copy(port=server.port)
            thread = threading.Thread(target=hammer, args=(browser, flags.probes, stop, seen[-1]))
            readers.append(thread)
            thread.start()
    time.sleep(random.uniform(0.05, 0.2))  # the change lands anywhere in the readers' loops

    answer = change_user(staff, User.objects.get(pk=user.pk), **flags.change)

    # Every reader goes on until it has sent a few requests after the change committed.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        sum(o.sent >= answer.received for o in list(reader)) < 3 for reader in seen
    ):
        time.sleep(0.02)
    stop.set()
    for thread in readers:
        thread.join()
    assert answer.status == 302, answer
    expected = {path: (before, after) for path, before, after in flags.probes}
    observations = [observation for reader in seen for observation in reader]
    after = [o for o in observations if o.sent >= answer.received]
    stale = [o for o in after if o.status != expected[o.path][1]]
    assert not stale, f"served the old flags after the change: {stale}"
    early = [o for o in observations if o.received < answer.sent]
    assert all(o.status == expected[o.path][0] for o in early)
    assert after, "no request after the change: the trial proves nothing"
    return len(early), len(after)


@pytest.mark.parametrize("store", ["no-cache", "redis"])
@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_flag_changed_in_the_admin_holds_from_the_users_next_request_on_every_server(
    services, store, kind
):
    if store == "redis":
        victim_servers, staff_server = [services("redis"), services("redis-2")], services("redis-2")
    else:
        victim_servers, staff_server = [services("no-cache")], services("no-cache")
    staff = staff_member(staff_server)

    totals = [trial(victim_servers, staff, CHANGES[kind]) for _ in range(TRIALS)]

    before, after = sum(t[0] for t in totals), sum(t[1] for t in totals)
    print(f"\n{kind} ({store}): {TRIALS} trials, {before} requests before, {after} after")


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_demoted_admin_cannot_use_the_admin_to_promote_themselves_back(services, store):
    server = services("redis" if store == "redis" else "no-cache")
    other = services("redis-2" if store == "redis" else "no-cache")
    demoted = UserFactory.create(is_staff=True, is_superuser=True)
    browser = sign_in(server, demoted)
    assert browser.get("/admin/accounts/user/").status == 200

    answer = change_user(staff_member(other), demoted, is_staff=False, is_superuser=False)
    assert answer.status == 302

    attempt = change_user(browser, demoted, is_staff=True, is_superuser=True)
    assert (attempt.status, attempt.headers["location"].split("?")[0]) == (302, "/admin/login/")
    after = User.objects.get(pk=demoted.pk)
    assert (after.is_staff, after.is_superuser) == (False, False)
    assert browser.get("/auth/me/").status == 200  # still a signed-in user, no longer staff
