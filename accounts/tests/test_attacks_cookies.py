"""Cookies the service never issued are no session at all: 401, never a 5xx (item 6).

A session cookie can be planted from a sibling subdomain or typed by anyone. Whatever its
value, it authenticates nobody, costs no error, and does not stand in the way of a login.
Checked over HTTP against gunicorn, with sessions cached in Redis and without a cache.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RANDOM = "a" * 32

#: Session cookie values the service never issues (each as the bytes sent on the wire).
NEVER_ISSUED = [
    f"{RANDOM}-²".encode("latin-1"),  # a superscript digit, as a WSGI server decodes it
    f"{RANDOM}-²".encode(),  # the same in UTF-8
    f"{RANDOM}-0".encode(),
    f"{RANDOM}-{'9' * 30}".encode(),  # a user id longer than any id
    f"{RANDOM}-1-1".encode(),
    f"{RANDOM.upper()}".encode(),
    RANDOM[:31].encode(),
    b"x" * 7000,  # overlong, still within gunicorn's header limit
    b"\xff\xfe\xc3(",  # invalid UTF-8 (control characters are refused by gunicorn itself)
    b'"quoted value"',
    b"%00%0a",
    b"..%2f..%2fetc%2fpasswd",
]


def well_shaped_but_unknown(user_id: int) -> bytes:
    """A key of the issued shape, naming a real user, that no login ever produced."""
    return f"{RANDOM}-{user_id}".encode()


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_session_cookie_never_issued_is_no_session_and_login_still_works(services, store):
    server = services(store)
    user = UserFactory.create()
    for value in [*NEVER_ISSUED, well_shaped_but_unknown(user.pk)]:
        browser = server.browser()
        me = browser.get("/auth/me/", raw_cookie=b"sessionid=" + value)
        assert (me.status, me.code) == (401, "not_authenticated"), (value, me)

        csrf = browser.get("/auth/csrf/", raw_cookie=b"sessionid=" + value)
        assert csrf.status == 200, (value, csrf)
        token = csrf.json()["csrf_token"]
        cookie = f"csrftoken={browser.cookies['csrftoken']}; sessionid=".encode() + value
        login = browser.request(
            "POST",
            "/auth/login/",
            json_body={"email": user.email, "password": PASSWORD},
            headers={"X-CSRFToken": token},
            raw_cookie=cookie,
        )
        assert login.status == 200, (value, login)
        assert browser.cookies["sessionid"].encode() != value
        assert browser.get("/auth/me/").json()["email"] == user.email, value


@pytest.mark.parametrize("store", ["no-cache", "redis"])
def test_a_csrf_cookie_never_issued_is_a_json_403_not_an_error(services, store):
    server = services(store)
    user = UserFactory.create()
    for value in [b"\xb2" * 32, b"x" * 7000, b"%00", b"\xff\xfe\xc3("]:
        browser = server.browser()
        login = browser.request(
            "POST",
            "/auth/login/",
            json_body={"email": user.email, "password": PASSWORD},
            headers={"X-CSRFToken": RANDOM},
            raw_cookie=b"csrftoken=" + value,
        )
        assert (login.status, login.code) == (403, "csrf_failed"), (value, login)
