"""Gunicorn settings, read from the environment: ``gunicorn -c config/gunicorn.py``.

| variable          | default                     | meaning                                   |
|-------------------|-----------------------------|-------------------------------------------|
| `BIND`            | `127.0.0.1:$PORT`           | address(es) to listen on, comma-separated |
| `PORT`            | `8000`                      | port when `BIND` is not set               |
| `WEB_CONCURRENCY` | 2 x cores + 1, at most 8    | worker processes                          |
| `GUNICORN_THREADS`| `4`                         | threads per worker                        |
| `GUNICORN_TIMEOUT`| `30`                        | seconds before a stuck worker is killed   |

The service listens on the loopback interface unless told otherwise: put it behind a
reverse proxy, or set ``BIND=0.0.0.0:8000`` in a container.
"""

from __future__ import annotations

import os


def _cores() -> int:
    # The CPUs this process may run on (a container's CPU set), not the host's count.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"

bind = [
    address.strip()
    for address in os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}").split(",")
    if address.strip()
]

# Each worker thread holds a database connection (CONN_MAX_AGE) and up to 19 MiB for
# an Argon2 hash in flight; beyond 8 processes per machine more processes only add context
# switches and PostgreSQL connections. Scale out with more machines instead.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores() + 1, 8)))

# Threaded workers (gthread). Measured on the reference machine (2 cores, 2 workers,
# docs/benchmarks.md), gthread with 4 threads served `GET /auth/me/` at about 590
# requests/s against 310-460 for sync workers, and every other row at least as fast:
# it keeps connections alive, so a client or proxy does not pay a TCP handshake and an
# accept per request as with sync workers, which close after each response; and a
# thread waiting on the database or on Argon2 (which releases the GIL) lets another
# request in the same process run. Four are enough to cover those waits: the rest of a
# request is CPU-bound Python under the GIL, where more threads would only queue.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker silent for this long is killed and replaced; no request of this service
# (the slowest is a login at tens of milliseconds) comes near it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy), workers finish the requests in hand for up to this long.
graceful_timeout = 30
# Seconds an idle keep-alive connection (from the reverse proxy or a client) is kept.
keepalive = 5

# Logs go to stdout/stderr, for the process supervisor or container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The standard combined format plus the time taken, in microseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'

# The worker heartbeat file lives in memory: a container's disk-backed /tmp can stall
# the heartbeat long enough for the master to kill healthy workers.
_SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM


# Memory that finished password hashes held goes back to the system when a worker
# idles (config/memory.py): one malloc arena per worker, trimmed after an idle second.
def post_fork(server: object, worker: object) -> None:
    from config import memory

    memory.start_in_worker()


def post_request(worker: object, req: object, environ: object, resp: object) -> None:
    from config import memory

    memory.request_finished()
