"""Real servers for tests that need more than one process, and a browser that talks to them.

- :class:`RedisServer`: a throwaway ``redis-server`` on a free port, that a test can fill
  until it refuses writes, stop and start again;
- :class:`PostgresCluster`: a throwaway PostgreSQL cluster (``initdb`` + ``pg_ctl``) that a
  test can stop and start, as in a database outage;
- :class:`Gunicorn`: the service itself under gunicorn (``config/gunicorn.py``), with the
  environment a test gives it;
- :class:`Browser`: an HTTP client that keeps cookies and the CSRF token, as a browser
  (or the front end) does, over a kept-alive connection.

Nothing here knows about accounts: it is plumbing for the tests of every app.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import redis
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    """A TCP port on the loopback interface where nothing listens (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(condition: Any, *, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, redis.RedisError, HTTPException):
            if condition():
                return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# --- Redis -------------------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` of the test's own: no persistence, ``noeviction`` when it is full."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is needed for this test"
        # fmt: off
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory),
             "--maxmemory-policy", "noeviction"],
            stdout=subprocess.DEVNULL,
        )
        # fmt: on
        wait_for(self.client().ping, what="redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def flush(self) -> None:
        client = self.client()
        client.config_set("maxmemory", 0)
        client.flushall()

    @contextlib.contextmanager
    def full(self) -> Iterator[None]:
        """Fill the server until it refuses writes (out of memory), for the block's duration.

        The server's limit is set a little above what it uses, then filled with keys
        without expiry until a ``SET`` is refused. Redis counts a client's buffers as used
        memory, so the limit then drops below what the data uses: it stays full when the
        buffers are freed. Afterwards the limit is lifted and the filler removed; the
        service's own keys stay (call :meth:`flush` to lose them).
        """
        client = self.client()
        used = int(client.info("memory")["used_memory"])
        client.config_set("maxmemory", used + 2 * 1024 * 1024)
        n = 0
        try:
            for size in (32 * 1024, 1024, 1):
                while True:
                    try:
                        client.set(f"filler:{n}", b"x" * size)
                    except redis.exceptions.OutOfMemoryError:
                        break
                    n += 1
            used = int(client.info("memory")["used_memory"])
            client.config_set("maxmemory", used - 256 * 1024)
            yield
        finally:
            client.config_set("maxmemory", 0)
            for start in range(0, n, 500):
                client.delete(*(f"filler:{i}" for i in range(start, min(start + 500, n))))

    def refuses_writes(self) -> bool:
        try:
            self.client().set("probe", "1")
        except redis.exceptions.OutOfMemoryError:
            return True
        return False


# --- PostgreSQL ------------------------------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    assert initdb is not None, "PostgreSQL's initdb and pg_ctl are needed for this test"
    return Path(initdb).parent


class PostgresCluster:
    """A PostgreSQL cluster in a temporary directory, on a free port, trusting local users.

    ``initdb`` refuses to run as root; then the cluster belongs to the ``postgres`` system
    user (or ``nobody``), and its tools run as that user.
    """

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.port = free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                with contextlib.suppress(KeyError):
                    pwd.getpwnam(name)
                    self.user = name
                    break
        # Under /tmp, not pytest's per-user directory, which another user cannot enter.
        self.directory = Path(tempfile.mkdtemp(prefix="accounts-pg-"))
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
            cwd=self.directory,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


# --- The service under gunicorn -----------------------------------------------------------


def service_environment(**overrides: str | None) -> dict[str, str]:
    """The test settings' environment, with ``overrides`` (``None`` removes a variable)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    # Compiled modules are kept, so that the second server starts in a second, not five.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def migrate(env: Mapping[str, str]) -> None:
    manage = [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, env=dict(env), cwd=BASE_DIR, check=True)


class Gunicorn:
    """The service under gunicorn with the project's ``config/gunicorn.py``.

    Its access log goes to ``<directory>/access.log``, everything else it or Django logs
    (warnings, errors, tracebacks) to ``<directory>/error.log``.
    """

    def __init__(
        self, env: Mapping[str, str], directory: Path, *, workers: int = 2, threads: int = 4
    ) -> None:
        self.port = free_port()
        self.directory = directory
        self.env = {
            **env,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def error_log(self) -> Path:
        return self.directory / "error.log"

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with (
            (self.directory / "access.log").open("ab") as access,
            self.error_log.open("ab") as errors,
        ):
            self.process = subprocess.Popen(
                [str(gunicorn), "-c", str(BASE_DIR / "config" / "gunicorn.py")],
                env=self.env,
                cwd=BASE_DIR,
                stdout=access,
                stderr=errors,
            )
        process = self.process

        def live() -> bool:
            assert process.poll() is None, f"gunicorn exited: {self.error_log.read_text()}"
            return self.browser().get("/health/live/").status == 200

        wait_for(live, timeout=60, what="gunicorn")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=40)
            self.process = None

    def browser(self, **headers: str) -> Browser:
        return Browser(self.port, headers=headers)

    def errors_logged(self) -> str:
        return self.error_log.read_text(errors="replace")


# --- A browser ---------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes
    #: When the request was sent and when its answer had arrived (``time.monotonic()``).
    sent: float = 0.0
    received: float = 0.0

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def code(self) -> object:
        """The error code of a JSON error body, if any."""
        try:
            body = self.json()
        except ValueError:
            return None
        return body.get("code") if isinstance(body, dict) else None


@dataclass
class Browser:
    """Cookies, the CSRF header and one kept-alive connection, like a browser tab.

    Not thread-safe: give each thread its own (``copy()`` shares nothing but the cookies'
    values at the time of the copy). Requests to another server of the same service (one
    database, a load balancer in front) go through ``copy(port=...)``.
    """

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str | None = None
    timeout: float = 60
    _connection: HTTPConnection | None = None

    def copy(self, *, port: int | None = None) -> Browser:
        """Another tab with this one's cookies, on this server or on the one at ``port``."""
        return Browser(port or self.port, dict(self.headers), dict(self.cookies), self.csrf_token)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # -- requests ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        raw_cookie: bytes | str | None = None,
    ) -> Answer:
        """Send one request; ``raw_cookie`` replaces the ``Cookie`` header verbatim."""
        sent_headers: dict[str, Any] = dict(self.headers)
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent_headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.csrf_token and method not in ("GET", "HEAD"):
            sent_headers.setdefault("X-CSRFToken", self.csrf_token)
        if raw_cookie is not None:
            sent_headers["Cookie"] = raw_cookie
        elif self.cookies:
            sent_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent_headers.update(headers or {})
        for attempt in range(2):
            connection = self._connection or HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
            self._connection = connection
            sent = time.monotonic()
            try:
                connection.request(method, path, body=body, headers=sent_headers)
                response = connection.getresponse()
                content = response.read()
            except (ConnectionError, HTTPException):
                # The server closed a kept-alive connection: once more on a new one.
                self.close()
                if attempt:
                    raise
                continue
            received = time.monotonic()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            self._remember_cookies(response.msg.get_all("Set-Cookie") or [])
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            return Answer(response.status, answer_headers, content, sent, received)
        raise AssertionError("unreachable")

    def _remember_cookies(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            pair, *attributes = (part.strip() for part in line.split(";"))
            name, _sep, value = pair.partition("=")
            expired = any(
                attribute.lower() in ("max-age=0",)
                or attribute.lower().startswith("expires=thu, 01 jan 1970")
                for attribute in attributes
            )
            if expired or value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, json_body={} if body is None else body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> Answer:
        return self.request("PATCH", path, json_body=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.request("DELETE", path, **kwargs)

    # -- journeys ---------------------------------------------------------------------------

    def fetch_csrf_token(self) -> str:
        answer = self.get("/auth/csrf/")
        assert answer.status == 200, answer
        token: str = answer.json()["csrf_token"]
        self.csrf_token = token
        return token

    def log_in(self, email: str, password: str) -> Answer:
        """Sign in through the API, as the front end does; the answer is returned as is."""
        if self.csrf_token is None:
            self.fetch_csrf_token()
        answer = self.post("/auth/login/", {"email": email, "password": password})
        if answer.status == 200:
            self.csrf_token = answer.json()["csrf_token"]
        return answer

    def admin_post(self, path: str, form: Mapping[str, str]) -> Answer:
        """Post an admin form with the CSRF token the admin's pages carry (the cookie's)."""
        if "csrftoken" not in self.cookies:
            self.get("/admin/login/")
        return self.request(
            "POST", path, form={**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        )

    def admin_log_in(self, email: str, password: str) -> Answer:
        """Sign in through the admin's login form; a success is a redirect to the admin."""
        self.get("/admin/login/")
        return self.admin_post(
            "/admin/login/?next=/admin/",
            {"username": email, "password": password, "next": "/admin/"},
        )
