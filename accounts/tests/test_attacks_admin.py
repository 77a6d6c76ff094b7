"""The admin is an entrance like the API, with the same guards (items 1, 9 and 16).

Over HTTP against gunicorn, with the admin's own forms as a browser posts them:

- its login form counts toward the same per-email lockout, per-address limits and events
  as the API's login, in both directions;
- a session deleted there, or a password set there, ends what the API would end, at once,
  also where the session was cached in Redis (the staff member and the user on different
  servers);
- its user form refuses control and bidi-override characters in names, like the API.
"""

from __future__ import annotations

import pytest

from accounts.models import SecurityEvent, User, UserSession
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.live import (
    STAFF_PASSWORD,
    change_user,
    delete_session,
    set_password,
    sign_in,
    staff_member,
)
from core.tests.processes import Answer, Browser, Gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WRONG = b"Please enter the correct email address and password for a staff account."
LOCKED = b"Too many failed login attempts. Try again later."
THROTTLED = b"Too many requests. Try again in"


def admin_log_in(server: Gunicorn, email: str, password: str) -> Answer:
    return server.browser().admin_log_in(email, password)


def api_log_in(server: Gunicorn, email: str, password: str) -> Answer:
    return server.browser().log_in(email, password)


def refused(answer: Answer, message: bytes) -> bool:
    """The admin's login form came back with ``message``, and no session was started."""
    return (
        answer.status == 200
        and message in answer.content
        and "sessionid" not in str(answer.headers.get("set-cookie", ""))
    )


# --- Item 1: one gate for every password sign-in -----------------------------------------------


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_the_admin_login_refuses_even_the_right_password_after_five_failures(services, store):
    server = services(store)
    staff = UserFactory.create(is_staff=True, password=STAFF_PASSWORD)

    for _ in range(5):
        assert refused(admin_log_in(server, staff.email, "wrong-password"), WRONG)
    answer = admin_log_in(server, staff.email, STAFF_PASSWORD)

    assert refused(answer, LOCKED), answer
    assert SecurityEvent.objects.filter(user=staff, type="login_failed").count() == 5
    assert not SecurityEvent.objects.filter(user=staff, type="login").exists()
    api = api_log_in(server, staff.email, STAFF_PASSWORD)
    assert (api.status, api.code) == (429, "locked_out")
    assert api.headers["retry-after"].isdigit()


@pytest.mark.parametrize("store", ["no-cache", "redis"])
@pytest.mark.parametrize(
    ("failures", "then"),
    [
        (["admin", "admin", "admin", "api", "token"], "api"),
        (["api", "api", "token", "api", "api"], "admin"),
        (["admin", "api", "admin", "api", "admin"], "admin"),
    ],
)
def test_admin_and_api_failures_count_toward_one_lockout(services, store, failures, then):
    server = services(store)
    staff = UserFactory.create(is_staff=True, password=STAFF_PASSWORD)

    for entrance in failures:
        if entrance == "admin":
            assert refused(admin_log_in(server, staff.email, "wrong-password"), WRONG)
        elif entrance == "api":
            assert api_log_in(server, staff.email, "wrong-password").status == 401
        else:
            body = {"email": staff.email, "password": "wrong-password", "name": "script"}
            assert server.browser().post("/auth/tokens/", body).status == 401

    if then == "admin":
        assert refused(admin_log_in(server, staff.email, STAFF_PASSWORD), LOCKED)
    else:
        answer = api_log_in(server, staff.email, STAFF_PASSWORD)
        assert (answer.status, answer.code) == (429, "locked_out")
    assert SecurityEvent.objects.filter(user=staff, type="login_failed").count() == 5


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_admin_failures_count_toward_the_per_address_limit(services, store):
    server = services(store)
    staff = UserFactory.create(is_staff=True, password=STAFF_PASSWORD)

    for n in range(10):  # ten guesses at ten emails from one address
        assert refused(admin_log_in(server, f"guess{n}@example.com", "password"), WRONG)

    assert refused(admin_log_in(server, staff.email, STAFF_PASSWORD), THROTTLED)
    answer = api_log_in(server, staff.email, STAFF_PASSWORD)
    assert (answer.status, answer.code) == (429, "throttled")
    # Failures on unknown emails are recorded without any trace of the address.
    assert SecurityEvent.objects.filter(user=None, type="login_failed").count() == 10


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_successful_admin_login_is_recorded_and_clears_the_count(services, store):
    server = services(store)
    staff = UserFactory.create(is_staff=True, password=STAFF_PASSWORD)
    for _ in range(4):
        assert refused(admin_log_in(server, staff.email, "wrong-password"), WRONG)

    answer = admin_log_in(server, staff.email, STAFF_PASSWORD)

    assert (answer.status, answer.headers["location"]) == (302, "/admin/")
    assert SecurityEvent.objects.filter(user=staff, type="login").count() == 1
    for _ in range(4):  # the count starts again from zero
        assert api_log_in(server, staff.email, "wrong-password").status == 401
    assert api_log_in(server, staff.email, STAFF_PASSWORD).status == 200


# --- Item 9: what staff end in the admin ends at once, everywhere ---------------------------


def me(browser: Browser, server: Gunicorn) -> int:
    return browser.copy(port=server.port).get("/auth/me/").status


def servers_of(services, store: str) -> tuple[Gunicorn, Gunicorn]:
    """The user's server and the staff member's: two servers on one Redis, or no cache."""
    if store == "redis":
        return services("redis"), services("redis-2")
    return services("no-cache"), services("no-cache")


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_session_deleted_in_the_admin_stops_working_at_its_next_request(services, store):
    theirs, ours = servers_of(services, store)
    user = UserFactory.create()
    victim, bystander = sign_in(theirs, user), sign_in(theirs, user)
    for server in (theirs, ours):  # read, and cached where there is a cache, on both
        assert me(victim, server) == me(bystander, server) == 200
    session_id = next(s["id"] for s in victim.get("/auth/sessions/").json() if s["current"])

    answer = delete_session(staff_member(ours), session_id)

    assert (answer.status, answer.headers["location"]) == (302, "/admin/accounts/usersession/")
    assert (me(victim, theirs), me(victim, ours)) == (401, 401)
    assert (me(bystander, theirs), me(bystander, ours)) == (200, 200)


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_sessions_deleted_together_from_the_admin_list_stop_working(services, store):
    theirs, ours = servers_of(services, store)
    users = UserFactory.create_batch(3)
    browsers = [sign_in(theirs, user) for user in users]
    for browser in browsers:
        assert me(browser, theirs) == me(browser, ours) == 200
    chosen = list(UserSession.objects.filter(user__in=users[:2]).values_list("pk", flat=True))

    staff = staff_member(ours)
    answer = staff.admin_post(
        "/admin/accounts/usersession/",
        {"action": "delete_selected", "post": "yes", "_selected_action": str(chosen[0])},
    )
    assert answer.status == 302, answer
    answer = staff.admin_post(
        "/admin/accounts/usersession/",
        {"action": "delete_selected", "post": "yes", "_selected_action": str(chosen[1])},
    )

    assert answer.status == 302, answer
    assert [me(browser, theirs) for browser in browsers] == [401, 401, 200]
    assert [me(browser, ours) for browser in browsers] == [401, 401, 200]


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_password_set_by_staff_ends_the_users_sessions_and_tokens(services, store):
    theirs, ours = servers_of(services, store)
    user = UserFactory.create()
    browser = sign_in(theirs, user)
    created = theirs.browser().post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "phone"}
    )
    bearer = theirs.browser(Authorization=f"Bearer {created.json()['token']}")
    for server in (theirs, ours):
        assert me(browser, server) == me(bearer, server) == 200

    answer = set_password(staff_member(ours), user, "set-by-the-help-desk")

    assert (answer.status, answer.headers["location"]) == (
        302,
        f"/admin/accounts/user/{user.pk}/change/",
    )
    assert (me(browser, theirs), me(browser, ours)) == (401, 401)
    assert (me(bearer, theirs), me(bearer, ours)) == (401, 401)
    assert not UserSession.objects.filter(user=user).exists()
    assert sign_in(theirs, user, "set-by-the-help-desk").get("/auth/me/").status == 200


# --- Item 16: names in the admin ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["invoice\u202egpj.exe", "Ann\nLee", "\x1b[31mAnn", "Ann\u2066Lee", "Ann\u2028Lee"]
)
def test_the_admin_refuses_control_and_bidi_characters_in_names(services, name):
    server = services("no-cache")
    user = UserFactory.create(first_name="Ann", last_name="Lee")

    answer = change_user(staff_member(server), user, first_name=name, last_name=name)

    assert answer.status == 200, answer  # the form again, with its errors
    assert answer.content.count(b"This field cannot contain control characters.") == 2
    assert User.objects.values_list("first_name", "last_name").get(pk=user.pk) == ("Ann", "Lee")


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_password_sign_in_disabled_by_staff_ends_the_users_sessions_and_tokens(services, store):
    theirs, ours = servers_of(services, store)
    user = UserFactory.create()
    browser = sign_in(theirs, user)
    created = theirs.browser().post(
        "/auth/tokens/", {"email": user.email, "password": PASSWORD, "name": "phone"}
    )
    bearer = theirs.browser(Authorization=f"Bearer {created.json()['token']}")
    for server in (theirs, ours):
        assert me(browser, server) == me(bearer, server) == 200

    answer = staff_member(ours).admin_post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "false", "unset-password": "Disable password-based authentication"},
    )

    assert answer.status == 302, answer
    assert not User.objects.get(pk=user.pk).has_usable_password()
    assert (me(browser, theirs), me(browser, ours)) == (401, 401)
    assert (me(bearer, theirs), me(bearer, ours)) == (401, 401)
    assert api_log_in(theirs, user.email, PASSWORD).status == 401
