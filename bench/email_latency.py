"""Measure how long one email takes from the request to the mail server (docs/lifecycle.md).

Starts the development setup (``bin/dev``: runserver + ``db_worker``) on a scratch
SQLite database with ``EMAIL_URL`` pointing to an SMTP server on loopback run here,
registers accounts one at a time at random moments, and times each request from
sending it to the verification email arriving.

    .venv/bin/python bench/email_latency.py [count] [worker interval in seconds]
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


class Arrivals:
    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        self.at[str(message["To"])] = time.monotonic()
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 (a loopback http URL built here)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def main(count: int, interval: str) -> None:
    arrivals = Arrivals()
    smtp_port, http_port = free_port(), free_port()
    controller = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    scratch = tempfile.mkdtemp()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch}/latency.sqlite3",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "ADDRESS": f"127.0.0.1:{http_port}",
        "WORKER_INTERVAL": interval,
    }
    dev = subprocess.Popen(  # noqa: S603
        [str(ROOT / "bin" / "dev")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/auth/csrf/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)  # the worker's start-up delay
        latencies, request_times = [], []
        for number in range(count):
            time.sleep(random.uniform(0.2, 1.5))  # noqa: S311 (land anywhere in the poll cycle)
            email = f"latency{number}@example.com"
            started = time.monotonic()
            status = post(f"{base}/auth/", {"email": email, "password": "a-long-passphrase"})
            answered = time.monotonic()
            assert status == 201, status
            while email not in arrivals.at:
                if time.monotonic() - started > 30:
                    raise SystemExit(f"no email for {email} after 30 s")
                time.sleep(0.005)
            latencies.append(arrivals.at[email] - started)
            request_times.append(answered - started)
    finally:
        os.killpg(dev.pid, 2)
        dev.wait(timeout=20)
        controller.stop()
    ms = sorted(1000 * value for value in latencies)
    print(f"worker interval {interval} s, {count} emails")
    print(f"request answered: median {1000 * statistics.median(request_times):.0f} ms")
    print(
        f"request to delivery: median {statistics.median(ms):.0f} ms, "
        f"p90 {ms[int(0.9 * (len(ms) - 1))]:.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20, sys.argv[2] if len(sys.argv) > 2 else "1")
