"""A database outage is a 503, logged once, and the service recovers by itself (item 12).

A PostgreSQL cluster of the test's own (``initdb`` + ``pg_ctl`` in a temporary directory,
on a free port) serves gunicorn; the test stops it and starts it again under the running
servers. While it is down, every request that needs it answers 503 with ``Retry-After``
and the code ``service_unavailable`` (never a 500, never an HTML page), each failure
leaves one line in the log and no traceback, readiness says 503 and liveness 200. When
it is back, everything answers again without a restart. A Redis outage leaves the
service ready, its cache named ``degraded``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from core.tests.processes import (
    BASE_DIR,
    Answer,
    Browser,
    Gunicorn,
    PostgresCluster,
    RedisServer,
    migrate,
    service_environment,
    wait_for,
)

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery-staple"
STAFF_PASSWORD = "a-strong-admin-passphrase"
OUTAGE_LINE = re.compile(
    r"^(database unavailable|readiness: the database does not answer): .*Connection refused"
)


@dataclass
class Service:
    postgres: PostgresCluster
    redis: RedisServer
    servers: dict[str, Gunicorn]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One database cluster, one Redis, and two servers: one with Redis, one without."""
    postgres = PostgresCluster()
    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    servers: dict[str, Gunicorn] = {}
    try:
        postgres.init()
        postgres.start()
        postgres.create_database("accounts")
        redis.start()
        base = service_environment(
            DATABASE_URL=postgres.url("accounts"),
            REDIS_URL=None,
            ACCOUNTS_ADMIN_REQUIRE_MFA="0",  # staff sign in with a password alone here
        )
        migrate(base)
        for name, redis_url in (("no-cache", None), ("redis", redis.url())):
            directory = tmp_path_factory.mktemp(name)
            servers[name] = Gunicorn(service_environment(**{**base, "REDIS_URL": redis_url}),
                                     directory)  # fmt: skip
            servers[name].start()
        yield Service(postgres, redis, servers)
    finally:
        for server in servers.values():
            server.stop()
        redis.stop()
        postgres.remove()


def log_since(server: Gunicorn, offset: int) -> list[str]:
    return server.errors_logged()[offset:].splitlines()


def register(server: Gunicorn, email: str) -> Answer:
    return server.browser().post("/auth/", {"email": email, "password": PASSWORD})


def signed_in(server: Gunicorn, email: str) -> Browser:
    assert register(server, email).status == 201
    browser = server.browser()
    assert browser.log_in(email, PASSWORD).status == 200
    return browser


def staff(server: Gunicorn, email: str) -> Browser:
    """A superuser made with ``createsuperuser``, signed in through the admin's form."""
    env = {
        **server.env,
        "DJANGO_SUPERUSER_EMAIL": email,
        "DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD,
    }
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "createsuperuser", "--noinput"],
        env=env,
        cwd=BASE_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    browser = server.browser()
    assert browser.admin_log_in(email, STAFF_PASSWORD).status == 302
    return browser


def unavailable(answer: Answer) -> bool:
    return (
        answer.status == 503
        and answer.headers["content-type"] == "application/json"
        and answer.headers.get("retry-after", "").isdigit()
        and (answer.code == "service_unavailable" or answer.json().get("status") == "unavailable")
    )


@pytest.mark.parametrize("name", ["no-cache", "redis"])
def test_a_database_outage_is_a_503_logged_once_and_the_service_recovers_by_itself(service, name):
    server = service.servers[name]
    user = signed_in(server, f"ann-{name}@example.com")
    admin = staff(server, f"boss-{name}@example.com")
    assert server.process is not None
    pid = server.process.pid
    offset = len(server.errors_logged())

    service.postgres.stop()
    try:
        answers = {
            "me": user.get("/auth/me/"),
            "update_profile": user.patch("/auth/update_profile/", {"first_name": "Ann"}),
            "login": server.browser().log_in(f"ann-{name}@example.com", PASSWORD),
            "register": register(server, f"bob-{name}@example.com"),
            "token": server.browser().post(
                "/auth/tokens/",
                {"email": f"ann-{name}@example.com", "password": PASSWORD, "name": "cli"},
            ),
            "logout": user.post("/auth/logout/"),
            "sessions": user.get("/auth/sessions/"),
            "admin": admin.get("/admin/"),
            "admin user list": admin.get("/admin/accounts/user/"),
            "admin login": server.browser().admin_log_in(f"boss-{name}@example.com", "x"),
            "ready": server.browser().get("/health/ready/"),
        }
        for n in range(6):  # the owner retries: none of it may count as a failed login
            answers[f"login again {n}"] = server.browser().log_in(
                f"ann-{name}@example.com", PASSWORD
            )
        if name == "redis" and answers["me"].status == 200:
            del answers["me"]  # session and user came from the cache: no database needed
        live = server.browser().get("/health/live/")
        unknown = user.get("/no/such/page/")
        csrf = server.browser().get("/auth/csrf/")
    finally:
        service.postgres.start()

    refused = {path: answer for path, answer in answers.items() if not unavailable(answer)}
    assert not refused, refused
    assert (live.status, unknown.status, unknown.code, csrf.status) == (200, 404, "not_found", 200)
    logged = log_since(server, offset)
    assert not [line for line in logged if "Traceback" in line], "\n".join(logged)
    assert len(logged) == len(answers), "\n".join(logged)  # one line per failure
    assert all(OUTAGE_LINE.match(line) for line in logged), "\n".join(logged)

    # Back without a restart: the same processes answer, with the session of before.
    wait_for(lambda: server.browser().get("/health/ready/").status == 200, what="readiness")
    assert server.process.pid == pid
    assert user.get("/auth/me/").status == 200
    assert user.patch("/auth/update_profile/", {"first_name": "Ann"}).status == 200
    assert server.browser().log_in(f"ann-{name}@example.com", PASSWORD).status == 200
    assert register(server, f"carol-{name}@example.com").status == 201
    assert admin.get("/admin/accounts/user/").status == 200


def test_a_redis_outage_leaves_the_service_ready_with_its_cache_degraded(service):
    server = service.servers["redis"]
    user = signed_in(server, "dan@example.com")

    service.redis.stop()
    try:
        ready = server.browser().get("/health/ready/")
        me = user.get("/auth/me/")
        login = server.browser().log_in("dan@example.com", PASSWORD)
    finally:
        service.redis.start()

    assert (ready.status, ready.json()) == (
        200,
        {"status": "degraded", "checks": {"database": "ok", "cache": "degraded"}},
    )
    assert (me.status, login.status) == (200, 200)
    wait_for(lambda: server.browser().get("/health/ready/").json()["status"] == "ok",
             what="the cache to be back")  # fmt: skip
