"""Run the service as production does, for tests that need a real process."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

# What the test run itself sets (config/settings/test.py, pytest-django, CI): a process
# started here gets none of it, only what each test gives it.
SERVICE_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "SECURE_SSL_REDIRECT",
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "NUM_PROXIES",
    "ALLOWED_HOSTS",
    "VIRTUAL_ENV",
}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process: DEBUG off, a real key, behind TLS."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        # Behind a TLS-terminating balancer, as README's "Production" says.
        SECURE_PROXY_SSL_HEADER="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return env


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Server:
    port: int

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "GET",
                path,
                headers={"Host": "localhost", "X-Forwarded-Proto": "https", **(headers or {})},
            )
            response = connection.getresponse()
            return Answer(
                response.status,
                {key.lower(): value for key, value in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run(command: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    """Run ``command`` to the end; its output is the failure message if it fails."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@contextmanager
def gunicorn(*, bin_dir: Path, cwd: Path, env: dict[str, str], log: Path) -> Iterator[Server]:
    """Serve with ``gunicorn -c config/gunicorn.py``, one worker, until the block ends."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(bin_dir / "gunicorn"), "-c", "config/gunicorn.py"],
            cwd=cwd,
            env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn did not start:\n{log.read_text()}"
            try:
                if server.get("/health/live/").status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
