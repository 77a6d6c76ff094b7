"""Session inventory, revocation and server-side expiry.

Time travel here is done on the data, not on the clock: ``age_session`` moves a
session's timestamps into the past as if the time had passed, and drops its cached
copy, which would have aged the same way.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db.models import F
from django.utils import timezone

from accounts.models import SecurityEvent, User, UserSession
from accounts.security.cache import SessionRecord, shared_cache
from accounts.security.sessions.keys import hash_key
from accounts.security.tokens import issue_token
from accounts.tests.factories import UserFactory
from conftest import BrowserClient

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "cache"])
def session_cache(request: pytest.FixtureRequest, settings) -> str | None:
    """Run a test with sessions read from the table, then through the shared cache.

    Against Redis (``REDIS_URL`` set) the cache is Redis itself, as in production.
    """
    if request.param == "database":
        settings.ACCOUNTS_SESSION_CACHE = None
        return None
    if not django_settings.REDIS_URL:
        settings.CACHES = {
            **settings.CACHES,
            "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
        settings.ACCOUNTS_SESSION_CACHE = "sessions"
    else:
        settings.ACCOUNTS_SESSION_CACHE = "default"
    alias: str = settings.ACCOUNTS_SESSION_CACHE
    caches[alias].clear()
    return alias


def browser(user: User, agent: str = "Firefox") -> BrowserClient:
    client = BrowserClient(HTTP_USER_AGENT=agent)
    client.log_in(user.email)
    return client


def session_of(client: BrowserClient) -> UserSession:
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return UserSession.objects.get(key_hash=hash_key(key))


def age_session(session: UserSession, by: timedelta) -> None:
    UserSession.objects.filter(pk=session.pk).update(
        created=F("created") - by, last_seen=F("last_seen") - by, expire_date=F("expire_date") - by
    )
    cache = shared_cache()
    if cache is not None:  # the cached copy would have aged the same way
        cache.delete(f"session:{session.key_hash}")


def test_sessions_are_listed_with_the_current_one_marked(user: User, session_cache) -> None:
    phone = browser(user, agent="Phone")
    laptop = browser(user, agent="Laptop")
    browser(UserFactory.create(), agent="Someone else")

    response = laptop.get("/auth/sessions/")

    assert response.status_code == HTTPStatus.OK
    listed = response.json()
    assert [(s["user_agent"], s["current"], s["ip"]) for s in listed] == [
        ("Laptop", True, "127.0.0.1"),
        ("Phone", False, "127.0.0.1"),
    ]
    assert set(listed[0]) == {"id", "created", "last_seen", "ip", "user_agent", "current"}
    assert listed[0]["id"] == session_of(laptop).pk
    assert listed[1]["id"] == session_of(phone).pk


def test_expired_sessions_are_not_listed(user: User) -> None:
    old = browser(user, agent="Old")
    current = browser(user, agent="Current")
    age_session(session_of(old), timedelta(hours=25))

    listed = current.get("/auth/sessions/").json()

    assert [s["user_agent"] for s in listed] == ["Current"]


def test_bearer_clients_see_sessions_with_none_current(user: User) -> None:
    browser(user)
    _token, secret = issue_token(user=user, name="cli")
    client = BrowserClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    listed = client.get("/auth/sessions/").json()

    assert [s["current"] for s in listed] == [False]


def test_revoked_session_stops_working_at_its_next_request(user: User, session_cache) -> None:
    stolen = browser(user, agent="Thief")
    assert stolen.get("/auth/me/").status_code == HTTPStatus.OK  # cached, where cached
    owner = browser(user, agent="Owner")
    stolen_session = session_of(stolen)

    response = owner.delete(f"/auth/sessions/{stolen_session.pk}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    assert stolen.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED
    assert owner.get("/auth/me/").status_code == HTTPStatus.OK
    if session_cache:
        assert caches[session_cache].get("session:" + stolen_session.key_hash) is None
    event = SecurityEvent.objects.get(type="session_revoked")
    assert (event.user, event.user_agent) == (user, "Owner")


def test_another_users_session_id_is_answered_like_a_missing_one(user: User, session_cache) -> None:
    attacker = browser(user, agent="Attacker")
    victim = browser(UserFactory.create(), agent="Victim")
    victims_session = session_of(victim)

    theirs = attacker.delete(f"/auth/sessions/{victims_session.pk}/")
    missing = attacker.delete("/auth/sessions/999999/")

    assert theirs.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    assert theirs.json() == missing.json() == {"detail": "Not found.", "code": "not_found"}
    assert victim.get("/auth/me/").status_code == HTTPStatus.OK
    assert not SecurityEvent.objects.filter(type="session_revoked").exists()


def test_ending_the_current_session_logs_it_out(user: User, session_cache) -> None:
    client = browser(user)
    current = session_of(client)

    response = client.delete(f"/auth/sessions/{current.pk}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.cookies[django_settings.SESSION_COOKIE_NAME].value == ""
    assert not UserSession.objects.filter(pk=current.pk).exists()
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED
    assert SecurityEvent.objects.filter(user=user, type="session_revoked").count() == 1


def test_ending_a_session_without_the_csrf_token_is_refused(user: User) -> None:
    victim = browser(user, agent="Other")
    client = browser(user)
    client.credentials()  # a cross-site form cannot send the X-CSRFToken header

    response = client.delete(f"/auth/sessions/{session_of(victim).pk}/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json() == {
        "detail": "CSRF token missing or incorrect.",
        "code": "csrf_failed",
    }
    assert victim.get("/auth/me/").status_code == HTTPStatus.OK


def test_session_unused_for_24_hours_is_refused(user: User, session_cache) -> None:
    client = browser(user)
    session = session_of(client)

    age_session(session, timedelta(hours=23, minutes=59))
    assert client.get("/auth/me/").status_code == HTTPStatus.OK  # and last_seen moves on

    age_session(session, timedelta(hours=24, seconds=1))
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_session_older_than_14_days_is_refused_however_often_it_is_used(
    user: User, session_cache
) -> None:
    client = browser(user)
    session = session_of(client)
    step = timedelta(hours=20)  # always used again well within the idle limit
    age = timedelta(0)

    while age + step < timedelta(days=14):
        age_session(session, step)
        age += step
        assert client.get("/auth/me/").status_code == HTTPStatus.OK, age

    age_session(session, step)
    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_last_seen_is_written_at_most_once_per_touch_interval(
    user: User, settings, django_assert_num_queries
) -> None:
    settings.ACCOUNTS_SESSION_CACHE = None  # count the reads of the table itself
    client = browser(user)
    session = session_of(client)
    rows = UserSession.objects.filter(pk=session.pk)

    age_session(session, timedelta(minutes=4))
    seen = rows.get().last_seen
    with django_assert_num_queries(1):  # the session row joined to its user; no write
        client.get("/auth/me/")
    assert rows.get().last_seen == seen

    age_session(session, timedelta(minutes=2))
    with django_assert_num_queries(2):  # the same, and one UPDATE of last_seen
        client.get("/auth/me/")
    touched = rows.get()
    assert timezone.now() - touched.last_seen < timedelta(seconds=5)
    assert touched.expire_date - touched.last_seen == timedelta(hours=24)


@pytest.fixture
def cached_sessions(settings) -> str:
    """Sessions read through the shared cache (Redis when configured)."""
    if django_settings.REDIS_URL:
        settings.ACCOUNTS_SESSION_CACHE = "default"
    else:
        settings.CACHES = {
            **settings.CACHES,
            "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
        settings.ACCOUNTS_SESSION_CACHE = "sessions"
    alias: str = settings.ACCOUNTS_SESSION_CACHE
    caches[alias].clear()
    return alias


def test_a_request_racing_the_revocation_cannot_put_the_session_back(
    user: User, cached_sessions: str
) -> None:
    """A request that read the row before the delete committed may cache it again."""
    victim, owner = browser(user), browser(user)
    stolen = session_of(victim)
    record = SessionRecord(
        stolen.pk, user.pk, stolen.session_data, stolen.created, stolen.last_seen,
        stolen.expire_date,
    )  # fmt: skip
    assert owner.delete(f"/auth/sessions/{stolen.pk}/").status_code == HTTPStatus.NO_CONTENT

    caches[cached_sessions].set(f"session:{stolen.key_hash}", record, timeout=300)

    assert victim.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_a_stale_cached_session_whose_row_is_gone_ends_at_its_next_touch(
    user: User, cached_sessions: str
) -> None:
    client = browser(user)
    session = session_of(client)
    record = caches[cached_sessions].get(f"session:{session.key_hash}")
    record.last_seen -= timedelta(minutes=6)
    caches[cached_sessions].set(f"session:{session.key_hash}", record, timeout=300)
    # Removed behind the service's back (no revocation mark): raw SQL, say.
    UserSession.objects.filter(pk=session.pk)._raw_delete(UserSession.objects.db)

    assert client.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED


def test_a_user_read_with_the_session_serves_only_its_own_id(user: User) -> None:
    from accounts.backends import AccountBackend
    from accounts.security.sessions.engine import hand_over_user

    other = UserFactory.create()
    backend = AccountBackend()

    hand_over_user(user)
    assert backend.get_user(other.pk) == other

    hand_over_user(user)
    assert backend.get_user(user.pk) is user
    assert backend.get_user(user.pk) is not user  # taken once: the next read is its own


def test_a_signed_in_sessions_key_names_its_user_and_the_name_is_not_trusted(
    user: User, cached_sessions: str
) -> None:
    client = browser(user)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    other = UserFactory.create()
    client.get("/auth/me/")  # the user is cached now

    assert key.endswith(f"-{user.pk}")
    assert UserSession.objects.filter(key_hash=hash_key(key)).exists()
    forged = BrowserClient()
    forged.cookies[django_settings.SESSION_COOKIE_NAME] = key.rsplit("-", 1)[0] + f"-{other.pk}"
    assert forged.get("/auth/me/").status_code == HTTPStatus.UNAUTHORIZED
    assert client.get("/auth/me/").json()["id"] == user.pk
