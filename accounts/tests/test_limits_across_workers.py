"""Limits hold across worker processes: a real gunicorn, a shared store, concurrent clients.

A session fixture migrates a database of its own and starts gunicorn with four sync
workers against it, with the counters in each store this run has: the database table
(SQLite file, or PostgreSQL when DATABASE_URL names one), the same behind a Redis that
does not answer, and Redis when REDIS_URL is set. Requests are released together by a
barrier, so several workers count the same key at the same moment. The workers trust
one proxy (``NUM_PROXIES=1``), so each test takes addresses of its own through
``X-Forwarded-For``.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from threading import Barrier
from typing import Any
from urllib.parse import quote

import environ
import psycopg
import pytest
from django.conf import settings

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.slow  # starts gunicorn with four workers per store

BASE_DIR = Path(settings.BASE_DIR)
# "redis-down": REDIS_URL names a port where nothing listens; counting falls back to the
# database table, and must stay exact there too.
STORES = ["database", "redis-down", *(["redis"] if settings.REDIS_URL else [])]
WORKERS = 4
_numbers = itertools.count(1)


def fresh_address() -> str:
    n = next(_numbers)
    return f"203.0.{n // 250}.{n % 250 + 1}"


def fresh_email(prefix: str = "victim") -> str:
    return f"{prefix}{next(_numbers)}@example.com"


@dataclass
class Answer:
    status: int
    retry_after: str | None
    body: dict[str, Any]


@dataclass
class Workers:
    port: int
    csrf_cookie: str
    csrf_token: str

    def post(self, path: str, body: dict[str, Any], *, ip: str) -> Answer:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            return self._send(connection, path, body, ip)
        finally:
            connection.close()

    def _send(self, connection: HTTPConnection, path: str, body: dict[str, Any], ip: str) -> Answer:
        connection.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "Cookie": f"csrftoken={self.csrf_cookie}",
                "X-CSRFToken": self.csrf_token,
                "X-Forwarded-For": ip,
            },
        )
        response = connection.getresponse()
        return Answer(
            response.status, response.getheader("Retry-After"), json.loads(response.read())
        )

    def post_together(self, requests: list[tuple[str, dict[str, Any], str]]) -> list[Answer]:
        """Send all requests at the same moment, each on its own connection."""
        barrier = Barrier(len(requests))

        def send(request: tuple[str, dict[str, Any], str]) -> Answer:
            path, body, ip = request
            connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                connection.connect()
                barrier.wait()
                return self._send(connection, path, body, ip)
            finally:
                connection.close()

        with ThreadPoolExecutor(len(requests)) as pool:
            return list(pool.map(send, requests))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def _csrf(port: int) -> tuple[str, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/auth/csrf/")
    response = connection.getresponse()
    token = json.loads(response.read())["csrf_token"]
    set_cookie = response.getheader("Set-Cookie")
    assert set_cookie is not None, "no CSRF cookie"
    cookie = set_cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
    connection.close()
    return cookie, token


def _wait_until_live(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/live/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@pytest.fixture(scope="session", params=STORES)
def workers(request, tmp_path_factory):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NUM_PROXIES": "1"}
    if request.param == "redis":
        env["REDIS_URL"] = settings.REDIS_URL
    elif request.param == "redis-down":
        env["REDIS_URL"] = f"redis://127.0.0.1:{_free_port()}/0"
    else:
        env.pop("REDIS_URL", None)
    postgres = None
    if "DATABASE_URL" in os.environ and os.environ["DATABASE_URL"].startswith("postg"):
        config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
        suffix = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"{config['NAME']}_workers_{request.param}_{suffix}"
        postgres = {
            "host": config["HOST"] or "127.0.0.1",
            "port": config["PORT"] or 5432,
            "user": config["USER"],
            "password": config["PASSWORD"] or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **postgres) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        credentials = quote(config["USER"]) + (
            f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
        )
        env["DATABASE_URL"] = (
            f"postgres://{credentials}@{postgres['host']}:{postgres['port']}/{name}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('workers') / 'db.sqlite3'}"

    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    migrate = [*manage, "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, env=env, cwd=BASE_DIR, check=True)
    port = _free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--preload", "--log-level", "warning"],
        env=env,
        cwd=BASE_DIR,
    )  # fmt: skip
    try:
        _wait_until_live(port, process)
        deadline = time.monotonic() + 30
        while len(_worker_pids(process.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_worker_pids(process.pid)) == WORKERS
        yield Workers(port, *_csrf(port))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        if postgres is not None:
            with psycopg.connect(dbname="postgres", autocommit=True, **postgres) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tally(answers: list[Answer]) -> Counter[tuple[int, object]]:
    return Counter((answer.status, answer.body.get("code")) for answer in answers)


def test_twenty_simultaneous_wrong_passwords_let_exactly_five_be_tried(workers):
    email = fresh_email()
    registered = workers.post("/auth/", {"email": email, "password": PASSWORD}, ip=fresh_address())
    assert registered.status == 201, registered.body

    answers = workers.post_together(
        [
            ("/auth/login/", {"email": email, "password": f"wrong-{n}"}, fresh_address())
            for n in range(20)
        ]
    )

    print(f"\n[{workers.port}] one email, 20 at once: {dict(tally(answers))}")
    assert tally(answers) == {(401, "invalid_credentials"): 5, (429, "locked_out"): 15}
    assert all(a.retry_after.isdigit() for a in answers if a.status == 429)
    right = workers.post("/auth/login/", {"email": email, "password": PASSWORD}, ip=fresh_address())
    assert (right.status, right.body["code"]) == (429, "locked_out")


def test_an_unknown_email_is_locked_out_across_workers_just_the_same(workers):
    email = fresh_email("nobody")

    answers = workers.post_together(
        [
            ("/auth/login/", {"email": email, "password": "wrong"}, fresh_address())
            for _ in range(20)
        ]
    )

    assert tally(answers) == {(401, "invalid_credentials"): 5, (429, "locked_out"): 15}


def test_twenty_simultaneous_failures_from_one_address_let_exactly_ten_be_tried(workers):
    address = fresh_address()

    answers = workers.post_together(
        [
            ("/auth/login/", {"email": fresh_email(), "password": "wrong"}, address)
            for _ in range(20)
        ]
    )

    print(f"\n[{workers.port}] one address, 20 failures at once: {dict(tally(answers))}")
    assert tally(answers) == {(401, "invalid_credentials"): 10, (429, "throttled"): 10}


def test_one_address_locked_out_at_once_keeps_exact_request_and_failure_counts(workers):
    """Each login reserves three counts in one step; a refusal gives back the right ones."""
    address, email = fresh_address(), fresh_email()

    answers = workers.post_together(
        [("/auth/login/", {"email": email, "password": f"wrong-{n}"}, address) for n in range(20)]
    )

    assert tally(answers) == {(401, "invalid_credentials"): 5, (429, "locked_out"): 15}
    # The 15 refused by the lockout gave back their failure slot: the address has 5 left.
    failures = [
        workers.post("/auth/login/", {"email": fresh_email(), "password": "x"}, ip=address)
        for _ in range(6)
    ]
    assert [(a.status, a.body["code"]) for a in failures] == [
        *[(401, "invalid_credentials")] * 5,
        (429, "throttled"),
    ]
    # 26 login requests so far, each counted once: 4 more pass, the next is refused.
    malformed = [workers.post("/auth/login/", {}, ip=address).status for _ in range(5)]
    assert malformed == [400, 400, 400, 400, 429]


def test_forty_simultaneous_login_requests_from_one_address_let_exactly_thirty_in(workers):
    address = fresh_address()

    answers = workers.post_together([("/auth/login/", {}, address) for _ in range(40)])

    assert Counter(answer.status for answer in answers) == {400: 30, 429: 10}


def test_twenty_five_simultaneous_registrations_from_one_address_let_exactly_twenty_in(workers):
    address = fresh_address()

    answers = workers.post_together([("/auth/", {}, address) for _ in range(25)])

    assert Counter(answer.status for answer in answers) == {400: 20, 429: 5}
