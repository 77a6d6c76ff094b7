"""Journeys over real HTTP against gunicorn: signing in, and what staff do in the admin."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from core.tests.processes import Answer, Browser, Gunicorn

STAFF_PASSWORD = "a-strong-admin-passphrase"


def sign_in(server: Gunicorn, user: User, password: str = PASSWORD) -> Browser:
    """A browser signed in to ``user`` through the API's login."""
    browser = server.browser()
    answer = browser.log_in(user.email, password)
    assert answer.status == 200, answer
    return browser


def staff_member(server: Gunicorn) -> Browser:
    """A new superuser, signed in through the admin's login form on ``server``."""
    staff = UserFactory.create(is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    browser = server.browser()
    answer = browser.admin_log_in(staff.email, STAFF_PASSWORD)
    assert (answer.status, answer.headers.get("location")) == (302, "/admin/"), answer
    return browser


def user_form(user: User, **changes: object) -> dict[str, str]:
    """The admin's change form of ``user`` as a browser posts it, with ``changes`` made.

    Check boxes are sent only when ticked, as browsers do.
    """
    values: dict[str, object] = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "currency": user.currency,
        "language": user.language,
        "status": user.status,
        "email_verified": user.email_verified,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        **changes,
    }
    form = {
        name: "on" if value is True else str(value)
        for name, value in values.items()
        if value is not False
    }
    return {**form, "_save": "Save"}


def change_user(staff: Browser, user: User, **changes: object) -> Answer:
    """Save ``user``'s change form in the admin; a success is a redirect to the list."""
    return staff.admin_post(f"/admin/accounts/user/{user.pk}/change/", user_form(user, **changes))


def set_password(staff: Browser, user: User, password: str) -> Answer:
    """Set ``user``'s password with the admin's password form."""
    return staff.admin_post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": password, "password2": password},
    )


def delete_session(staff: Browser, session_id: int) -> Answer:
    """Delete one session row from its admin page (the confirmation posted)."""
    return staff.admin_post(f"/admin/accounts/usersession/{session_id}/delete/", {"post": "yes"})


def post_together(server: Gunicorn, path: str, bodies: list[dict[str, str]]) -> list[Answer]:
    """Post each body from its own browser, all released at the same moment by a barrier."""
    browsers = [server.browser() for _ in bodies]
    for browser in browsers:  # connected before the barrier, so nothing waits on a handshake
        browser.get("/health/live/")
    barrier = Barrier(len(bodies))

    def send(n: int) -> Answer:
        barrier.wait()
        return browsers[n].post(path, bodies[n])

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(send, range(len(bodies))))
