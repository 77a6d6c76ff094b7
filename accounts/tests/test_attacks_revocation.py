"""A revocation that answers success holds on every server, also after Redis recovers (item 4).

Two gunicorn servers share the test database and a throwaway Redis, as app servers behind
a load balancer do. Each revocation (logout, ending a session, revoking a token, logging
out a token, changing or resetting the password, deleting the account; and in the admin,
deactivating the user, deleting a session, setting a password) is made while the shared
cache cannot take it:

- Redis is full (``maxmemory`` with ``noeviction``): it answers reads and refuses writes;
- one server cannot reach Redis at all while the other reads sessions from it.

The answer must be a 503 after which everything is as before (every credential still
works on every server, nothing recorded), or a success after which every revoked
credential is refused on every server, now and after Redis recovers, with its data (a
partition that heals) or without (a restart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from accounts.models import SecurityEvent, User
from accounts.security import keys
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.live import change_user, delete_session, set_password, sign_in, staff_member
from core.tests.processes import Answer, Browser, Gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "an-entirely-new-passphrase"


@dataclass
class Victim:
    """A user signed in twice (two browsers) and holding a bearer token."""

    user: User
    browser: Browser  # the session that makes the change, when one is needed
    other_session_id: int
    secrets: dict[str, str]  # "session", "other" (cookies) and "token" (a bearer secret)
    staff: dict[int, Browser]  # a staff member signed in to the admin, by server port

    def token_id(self, server: Gunicorn) -> int:
        tokens = server.browser(Authorization=f"Bearer {self.secrets['token']}")
        found: int = tokens.get("/auth/tokens/").json()[0]["id"]
        return found


def make_victim(first: Gunicorn, second: Gunicorn) -> Victim:
    user = UserFactory.create()
    browser, other = sign_in(first, user), sign_in(second, user)
    token = first.browser().post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "script"}
    )
    assert token.status == 201, token
    sessions = browser.get("/auth/sessions/").json()
    other_id = next(session["id"] for session in sessions if not session["current"])
    victim = Victim(
        User.objects.get(pk=user.pk),
        browser,
        other_id,
        {
            "session": browser.cookies["sessionid"],
            "other": other.cookies["sessionid"],
            "token": token.json()["token"],
        },
        {server.port: staff_member(server) for server in (first, second)},
    )
    for server in (first, second):  # every server has read (and cached) every credential
        assert statuses(victim, server) == {"session": 200, "other": 200, "token": 200}
    return victim


def statuses(victim: Victim, server: Gunicorn) -> dict[str, int]:
    """What ``/auth/me/`` answers each of the victim's credentials on ``server``."""
    found = {}
    for name, secret in victim.secrets.items():
        if name == "token":
            answer = server.browser(Authorization=f"Bearer {secret}").get("/auth/me/")
        else:
            answer = server.browser().get("/auth/me/", raw_cookie=f"sessionid={secret}")
        found[name] = answer.status
    return found


# --- The revocations: what each does, and which credentials it ends ------------------------


@dataclass(frozen=True)
class Revocation:
    act: Callable[[Victim, Gunicorn], Answer]
    ends: frozenset[str]
    success: int = 200


def _on(victim: Victim, server: Gunicorn) -> Browser:
    return victim.browser.copy(port=server.port)


def _logout(victim: Victim, server: Gunicorn) -> Answer:
    return _on(victim, server).post("/auth/logout/")


def _end_other_session(victim: Victim, server: Gunicorn) -> Answer:
    return _on(victim, server).delete(f"/auth/sessions/{victim.other_session_id}/")


def _revoke_token(victim: Victim, server: Gunicorn) -> Answer:
    return _on(victim, server).delete(f"/auth/tokens/{victim.token_id(server)}/")


def _bearer_logout(victim: Victim, server: Gunicorn) -> Answer:
    return server.browser(Authorization=f"Bearer {victim.secrets['token']}").post("/auth/logout/")


def _change_password(victim: Victim, server: Gunicorn) -> Answer:
    browser = _on(victim, server)
    answer = browser.post(
        "/auth/change_password/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    if answer.status == 200:  # the session that changed it goes on under a new key
        assert browser.get("/auth/me/").status == 200
        assert browser.cookies["sessionid"] != victim.secrets["session"]
    return answer


def _reset_password(victim: Victim, server: Gunicorn) -> Answer:
    user = User.objects.get(pk=victim.user.pk)
    link = {"uid": keys.make_reset_uid(user), "token": keys.make_reset_token(user)}
    return server.browser().post(
        "/auth/reset_password_confirm/", {**link, "new_password": NEW_PASSWORD}
    )


def _delete_account(victim: Victim, server: Gunicorn) -> Answer:
    return _on(victim, server).post("/auth/delete_account/", {"password": PASSWORD})


def _deactivate_in_the_admin(victim: Victim, server: Gunicorn) -> Answer:
    user = User.objects.get(pk=victim.user.pk)
    return change_user(victim.staff[server.port], user, is_active=False)


def _delete_session_in_the_admin(victim: Victim, server: Gunicorn) -> Answer:
    return delete_session(victim.staff[server.port], victim.other_session_id)


def _set_password_in_the_admin(victim: Victim, server: Gunicorn) -> Answer:
    return set_password(victim.staff[server.port], victim.user, NEW_PASSWORD)


EVERYTHING = frozenset({"session", "other", "token"})
REVOCATIONS = {
    "logout": Revocation(_logout, frozenset({"session"})),
    "session-revoked": Revocation(_end_other_session, frozenset({"other"}), 204),
    "token-revoked": Revocation(_revoke_token, frozenset({"token"}), 204),
    "bearer-logout": Revocation(_bearer_logout, frozenset({"token"})),
    # The old key of the session that made the change ends too: it goes on under a new one.
    "password-changed": Revocation(_change_password, EVERYTHING),
    "password-reset": Revocation(_reset_password, EVERYTHING),
    "account-deleted": Revocation(_delete_account, EVERYTHING, 204),
    # Staff in the admin: a success there is a redirect.
    "deactivated-by-staff": Revocation(_deactivate_in_the_admin, EVERYTHING, 302),
    "session-deleted-by-staff": Revocation(_delete_session_in_the_admin, frozenset({"other"}), 302),
    "password-set-by-staff": Revocation(_set_password_in_the_admin, EVERYTHING, 302),
}


def state_of(victim: Victim) -> tuple[object, ...]:
    """What a refused revocation must leave as it was: the account, its password, its events."""
    user = User.objects.filter(pk=victim.user.pk).first()
    events = SecurityEvent.objects.filter(user=victim.user.pk).count()
    return (user is not None and (user.password, user.is_active), events)


def assert_held_or_refused(
    victim: Victim, revocation: Revocation, answer: Answer, servers: list[Gunicorn], before: object
) -> None:
    """A 503 changed nothing anywhere; a success ended what it ends on every server."""
    assert answer.status in (503, revocation.success), answer
    if answer.status == 503:
        assert answer.code == "service_unavailable"
        assert answer.headers["retry-after"].isdigit()
        assert state_of(victim) == before
        for server in servers:
            assert statuses(victim, server) == dict.fromkeys(victim.secrets, 200)
        return
    for server in servers:
        found = statuses(victim, server)
        assert {name for name, status in found.items() if status == 401} == revocation.ends, (
            server.port,
            found,
        )


# --- Redis full ------------------------------------------------------------------------------


@pytest.mark.parametrize("recovery", ["with-its-data", "without-its-data"])
@pytest.mark.parametrize("kind", list(REVOCATIONS))
def test_a_revocation_while_redis_refuses_writes_is_refused_or_holds_everywhere(
    services, throwaway_redis, kind, recovery
):
    first, second = services("redis"), services("redis-2")
    revocation = REVOCATIONS[kind]
    victim = make_victim(first, second)
    before = state_of(victim)

    with throwaway_redis.full():
        assert throwaway_redis.refuses_writes()
        answer = revocation.act(victim, first)
        print(f"\n{kind} while Redis is full: {answer.status}")
        assert_held_or_refused(victim, revocation, answer, [first, second], before)

    if recovery == "without-its-data":
        throwaway_redis.flush()  # a restart without persistence
    if answer.status == 503:  # the client retries, as Retry-After says
        answer = revocation.act(victim, first)
        assert answer.status == revocation.success, answer
    assert_held_or_refused(victim, revocation, answer, [first, second], before)


# --- One server cannot reach Redis -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(REVOCATIONS))
def test_a_revocation_through_a_server_without_redis_is_refused_or_holds_everywhere(services, kind):
    cut_off, connected = services("unreachable"), services("redis")
    revocation = REVOCATIONS[kind]
    victim = make_victim(connected, cut_off)
    before = state_of(victim)

    answer = revocation.act(victim, cut_off)
    print(f"\n{kind} through a server without Redis: {answer.status}")
    assert_held_or_refused(victim, revocation, answer, [cut_off, connected], before)

    if answer.status == 503:  # the balancer sends the retry elsewhere
        answer = revocation.act(victim, connected)
        assert answer.status == revocation.success, answer
    assert_held_or_refused(victim, revocation, answer, [cut_off, connected], before)
