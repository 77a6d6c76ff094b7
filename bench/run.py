"""Measure the service under gunicorn beside two ceilings: ``make bench``.

It starts the service with production settings (DEBUG off, a generated secret key, no
TLS redirect or secure cookies since it speaks plain HTTP on loopback) under
``config/gunicorn.py`` on a free local port, on a fresh SQLite file by default or on
PostgreSQL and Redis (``--postgres``, ``--redis``, or ``DATABASE_URL``/``REDIS_URL``).
A second, identical server differs only by Django's own database session engine, for
the session-authenticated ceiling; a third serves a separate minimal project
(``bench/lean``: ``startproject``'s defaults, Django's database sessions) on a database
of the same engine, the lean ceiling. After the load, each worker's resident memory
is read from /proc. ``wrk`` (installed with apt-get when missing) loads
each endpoint in turn for a few rounds; each row keeps its best round, because the
machine may be shared. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import compileall
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-correct-horse-42"  # noqa: S105
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/accounts_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DJANGO_DB_SESSIONS = "django.contrib.sessions.backends.db"
DJANGO_HASHERS = {
    "Django default PBKDF2": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "Django default Argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
}


# --- wrk scripts ----------------------------------------------------------------------
# Each wrk thread gets its own logged-in session (``setup``); ``done`` prints one JSON
# line for this script to read. Requests whose body must change (a profile update that
# really writes, a registration with an unused email) are built per request.

WRK_COMMON = """
local sessions = {SESSIONS}
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
  local s = sessions[((n - 1) % #sessions) + 1]
  thread:set("cookie", s.cookie)
  thread:set("csrf", s.csrf)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""

WRK_REQUESTS = {
    # A fixed request, built once per thread.
    "get": """
function init(args)
  wrk.method = "GET"
  if cookie ~= "" then wrk.headers["Cookie"] = cookie end
end
""",
    "login": """
function init(args)
  wrk.method = "POST"
  wrk.body = '{"email": "' .. args[1] .. '", "password": "' .. args[2] .. '"}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = "csrftoken=" .. csrf
  wrk.headers["X-CSRFToken"] = csrf
end
""",
    "update_profile": """
local counter = 0
local headers = {}
function init(args)
  headers["Content-Type"] = "application/json"
  headers["Cookie"] = cookie
  headers["X-CSRFToken"] = csrf
end
function request()
  counter = counter + 1
  local body = '{"first_name": "Bench ' .. tid .. ' ' .. counter .. '"}'
  return wrk.format("PATCH", nil, headers, body)
end
""",
    "register": """
local counter = 0
local headers = {["Content-Type"] = "application/json"}
local prefix = ""
function init(args)
  prefix = args[1] .. "-" .. tid .. "-"
end
function request()
  counter = counter + 1
  local body = '{"email": "' .. prefix .. counter .. '@example.com", "password": "'
    .. args_password .. '"}'
  return wrk.format("POST", nil, headers, body)
end
""",
}


@dataclass
class Session:
    cookie: str
    csrf: str


@dataclass
class Scenario:
    name: str
    server: str
    path: str
    kind: str
    wrk_args: list[str] = field(default_factory=list)
    authenticated: bool = True


@dataclass
class Result:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int


# --- the servers ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn running ``config/gunicorn.py`` with the benchmark's environment."""

    def __init__(self, name: str, env: dict[str, str], gunicorn_args: list[str], logs: Path):
        self.name = name
        self.port = free_port()
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}"}
        self.args = gunicorn_args
        self.log_path = logs / f"gunicorn-{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            # Several servers run at once: none of them takes the shared control socket.
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.py",
                "--no-control-socket",
                *self.args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn ({self.name}) exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/health/live/", timeout=2):  # noqa: S310
                    return
            except OSError:  # not listening yet, or still starting
                time.sleep(0.2)
        sys.exit(f"gunicorn ({self.name}) did not answer within 30 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # -- HTTP, for the set-up ----------------------------------------------------------

    def register(self, email: str) -> None:
        self._json("POST", "/auth/", {"email": email, "password": PASSWORD}, expect=201)

    def log_in(self, email: str) -> Session:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(self.url + "/auth/csrf/").read()
        csrf = _cookie(jar, "csrftoken")
        self._json(
            "POST",
            "/auth/login/",
            {"email": email, "password": PASSWORD},
            expect=200,
            opener=opener,
            headers={"X-CSRFToken": csrf},
        )
        csrf = _cookie(jar, "csrftoken")
        return Session(f"sessionid={_cookie(jar, 'sessionid')}; csrftoken={csrf}", csrf)

    def anonymous_csrf(self) -> Session:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(self.url + "/auth/csrf/").read()
        return Session("", _cookie(jar, "csrftoken"))

    def _json(
        self,
        method: str,
        path: str,
        body: dict[str, Any],
        *,
        expect: int,
        opener: urllib.request.OpenerDirector | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        request = urllib.request.Request(  # noqa: S310
            self.url + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            response = (opener or urllib.request.build_opener()).open(request)
            status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            response = exc
        if status != expect:
            sys.exit(f"{method} {path} on {self.name}: {status} {response.read()[:300]!r}")


def _cookie(jar: http.cookiejar.CookieJar, name: str) -> str:
    for cookie in jar:
        if cookie.name == name and cookie.value:
            return cookie.value
    sys.exit(f"no {name} cookie was set")


# --- load -----------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (Debian/Ubuntu: sudo apt-get install -y wrk).")
    print("Installing wrk with apt-get ...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)  # noqa: S607
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string of ASCII is a valid Lua string literal


def write_script(directory: Path, scenario: Scenario, sessions: list[Session]) -> Path:
    table = ", ".join(
        f"{{cookie = {lua_string(s.cookie)}, csrf = {lua_string(s.csrf)}}}" for s in sessions
    )
    script = WRK_COMMON.replace("{SESSIONS}", "{" + table + "}")
    script += f"args_password = {lua_string(PASSWORD)}\n" + WRK_REQUESTS[scenario.kind]
    slug = "".join(c if c.isalnum() else "_" for c in scenario.name)
    path = directory / f"{scenario.server}-{slug}.lua"
    path.write_text(script)
    return path


def run_wrk(
    wrk: str, url: str, script: Path, options: argparse.Namespace, seconds: float, args: list[str]
) -> Result:
    command = [
        wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    if args:
        command += ["--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in output.splitlines() if x.startswith("BENCH_RESULT "))
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    return Result(
        requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
        non_2xx=data["non_2xx"],
    )


# --- the run --------------------------------------------------------------------------


def database_url(options: argparse.Namespace, workdir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    if not options.postgres:
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    # The benchmark's own database: dropped and created afresh for every run.
    recreate_postgres(DEFAULT_POSTGRES_URL)
    return DEFAULT_POSTGRES_URL


def lean_database_url(product_url: str, workdir: Path) -> str:
    """The lean ceiling's own database, of the product's engine: a file, or ``<name>_lean``."""
    parts = urllib.parse.urlsplit(product_url)
    if parts.scheme.startswith("sqlite"):
        return f"sqlite:///{workdir / 'lean.sqlite3'}"
    url = parts._replace(path=parts.path + "_lean").geturl()
    recreate_postgres(url)
    return url


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def base_environment(options: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1",
        WEB_CONCURRENCY=str(options.workers),
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url(options, workdir),
        # The load comes from one address and logs in as a few users thousands of times
        # a minute: lift the abuse limits, or the rows would measure 429s. Counting still
        # happens on every request, so its cost is in the figures.
        THROTTLE_LOGIN="10000000/min",
        THROTTLE_LOGIN_FAILURE="10000000/min",
        THROTTLE_REGISTER="10000000/min",
        ACCOUNTS_LOGIN_FAILURE_LIMIT="10000000",
    )
    redis_url = os.environ.get("REDIS_URL", "") or (DEFAULT_REDIS_URL if options.redis else "")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def describe_database(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return "SQLite (fresh file)"
    return f"{parts.scheme} {parts.hostname}:{parts.port}{parts.path}"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL")
    parser.add_argument("--redis", action="store_true", help="use Redis as the cache")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help="extra gunicorn arguments, e.g. '-k gthread --threads 4' (none)",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per row (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; best kept (3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--no-hashers", action="store_true", help="skip the hasher rows")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--users", type=int, default=0, help="fill the user table up to this many users first"
    )
    parser.add_argument(
        "--rows",
        default="",
        help="only the rows whose name contains one of these comma-separated words (all)",
    )
    return parser.parse_args()


SCENARIOS = [
    Scenario("ceiling: bare view", "product", "/bench/bare/", "get", authenticated=False),
    Scenario("ceiling: lean startproject", "lean", "/bench/me/", "get"),
    Scenario("ceiling: Django sessions", "django-sessions", "/bench/session/", "get"),
    Scenario("ceiling: product sessions", "product", "/bench/session/", "get"),
    Scenario("GET /auth/me/", "product", "/auth/me/", "get"),
    Scenario("PATCH /auth/update_profile/", "product", "/auth/update_profile/", "update_profile"),
    Scenario("POST /auth/login/", "product", "/auth/login/", "login"),
    Scenario("POST /auth/ (register)", "product", "/auth/", "register"),
]

RATIOS = [
    ("me / lean ceiling", "GET /auth/me/", "ceiling: lean startproject"),
    ("me / Django-sessions ceiling", "GET /auth/me/", "ceiling: Django sessions"),
    ("me / bare ceiling", "GET /auth/me/", "ceiling: bare view"),
    ("Django-sessions ceiling / bare ceiling", "ceiling: Django sessions", "ceiling: bare view"),
    ("product-sessions ceiling / Django-sessions ceiling", "ceiling: product sessions",
     "ceiling: Django sessions"),
    ("update_profile / Django-sessions ceiling", "PATCH /auth/update_profile/",
     "ceiling: Django sessions"),
]  # fmt: skip


def main() -> None:
    from bench.memory import workers_resident_mib

    options = parse_arguments()
    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="accounts-bench-"))
    env = base_environment(options, workdir)
    gunicorn_args = options.gunicorn_args.split()
    run_id = secrets.token_hex(4)

    # As deployed (`make prod`): the service's bytecode compiled, the dependencies' by
    # `make install`, so that no worker compiles modules from source at start.
    for package in ("accounts", "core", "config", "mfa", "pages", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    print(f"Migrating {describe_database(env['DATABASE_URL'])} ...", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    if options.users:
        print(f"Filling the user table up to {options.users} users ...", flush=True)
        fill = [sys.executable, "-m", "bench.fill", str(options.users)]
        subprocess.run(fill, cwd=ROOT, env=env, check=True)  # noqa: S603
    scenarios = [
        s
        for s in SCENARIOS
        if not options.rows or any(word in s.name for word in options.rows.split(","))
    ]
    servers = {
        "product": Server("product", env, gunicorn_args, workdir),
        "django-sessions": Server(
            "django-sessions", {**env, "BENCH_SESSION_ENGINE": DJANGO_DB_SESSIONS},
            gunicorn_args, workdir,
        ),
        "lean": lean_server(env, gunicorn_args, workdir),
    }  # fmt: skip
    results: dict[str, Result] = {}
    hashing: dict[str, Any] = {}
    memory: dict[str, list[float]] = {}
    # One user and one session per wrk thread, on each server.
    sessions: dict[str, list[Session]] = {
        "lean": [Session(c, "") for c in prepare_lean(servers["lean"], options, run_id)]
    }
    try:
        for server in servers.values():
            server.start()
        for name, server in servers.items():
            if name == "lean":
                continue
            sessions[name] = []
            for thread in range(options.threads):
                email = f"bench-{run_id}-{name}-{thread}@example.com"
                server.register(email)
                sessions[name].append(server.log_in(email))
        anonymous = [servers["product"].anonymous_csrf()]
        login_email = f"bench-{run_id}-product-0@example.com"

        print(
            f"gunicorn: {options.workers} workers {options.gunicorn_args or '(config defaults)'};"
            f" wrk: {options.threads} thread(s), {options.connections} connections, "
            f"{options.duration:g} s x {options.rounds} rounds; logs in {workdir}",
            flush=True,
        )
        for round_number in range(options.rounds):
            for scenario in scenarios:
                server = servers[scenario.server]
                pool = sessions[scenario.server] if scenario.authenticated else anonymous
                script = write_script(workdir, scenario, pool)
                args = {
                    "login": [login_email, PASSWORD],
                    "register": [f"bench-{run_id}-r{round_number}"],
                }.get(scenario.kind, [])
                url = server.url + scenario.path
                if round_number == 0:  # warm the workers up (imports, connections)
                    warm_args = [f"{args[0]}w"] if scenario.kind == "register" else args
                    run_wrk(wrk, url, script, options, 2, warm_args)
                result = run_wrk(wrk, url, script, options, options.duration, args)
                print(f"  round {round_number + 1}: {scenario.name:<32} {_row(result)}", flush=True)
                best = results.get(scenario.name)
                if best is None or result.requests_per_s > best.requests_per_s:
                    results[scenario.name] = result
        # Right after the last row, then after the workers have idled for two seconds
        # (a worker returns freed memory after an idle second: config/memory.py).
        for moment in ("at once", "idle 2 s"):
            if moment != "at once":
                time.sleep(2)
            for name, server in servers.items():
                if server.process:
                    memory[f"{name}, {moment}"] = workers_resident_mib(server.process.pid)
        for server in servers.values():
            server.stop()

        if not options.no_hashers:
            hashing = measure_hashers(wrk, env, gunicorn_args, workdir, options, run_id)
            if "POST /auth/login/" in results:
                hashing["product Argon2id"]["logins_per_s"] = results["POST /auth/login/"]
    finally:
        for server in servers.values():
            server.stop()

    report(options, env, results, hashing, memory)
    if options.json:
        options.json.write_text(
            json.dumps(
                {
                    "results": {k: vars(v) for k, v in results.items()},
                    "workers_rss_mib": memory,
                    "hashing": {
                        k: {
                            **v,
                            "logins_per_s": vars(v["logins_per_s"])
                            if "logins_per_s" in v
                            else None,
                        }
                        for k, v in hashing.items()
                    },
                },
                indent=2,
            )
        )
    failed = [name for name, r in results.items() if r.errors or r.non_2xx]
    if failed:
        sys.exit(f"Some rows had errors or non-2xx answers: {', '.join(failed)}")


def lean_server(env: dict[str, str], gunicorn_args: list[str], workdir: Path) -> Server:
    """The lean ceiling: bench/lean on its own database, under the same gunicorn config."""
    lean_env = {
        key: value
        for key, value in env.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    lean_env.update(
        DJANGO_SETTINGS_MODULE="bench.lean.settings",
        BENCH_LEAN_DATABASE_URL=lean_database_url(env["DATABASE_URL"], workdir),
    )
    return Server("lean", lean_env, gunicorn_args, workdir)


def prepare_lean(server: Server, options: argparse.Namespace, run_id: str) -> list[str]:
    """Migrate the lean ceiling's database; one signed-in session per wrk thread."""
    emails = [f"bench-{run_id}-lean-{thread}@example.com" for thread in range(options.threads)]
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.lean.prepare", *emails],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.split()


def measure_hashers(
    wrk: str,
    env: dict[str, str],
    gunicorn_args: list[str],
    workdir: Path,
    options: argparse.Namespace,
    run_id: str,
) -> dict[str, Any]:
    """Seconds per hash in one process, and logins per second on the servers' workers."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.hashing"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    hashing: dict[str, Any] = json.loads(output)
    scenario = Scenario("login", "hasher", "/auth/login/", "login")
    for label, hasher in DJANGO_HASHERS.items():
        server = Server(
            label.split()[-1].lower(),
            {**env, "BENCH_PASSWORD_HASHER": hasher},
            gunicorn_args,
            workdir,
        )
        try:
            server.start()
            email = f"bench-{run_id}-{server.name}@example.com"
            server.register(email)
            script = write_script(workdir, scenario, [server.anonymous_csrf()])
            run_wrk(wrk, server.url + scenario.path, script, options, 2, [email, PASSWORD])
            result = run_wrk(
                wrk, server.url + scenario.path, script, options, options.duration,
                [email, PASSWORD],
            )  # fmt: skip
            print(f"  {label + ' login':<41} {_row(result)}", flush=True)
            hashing[label]["logins_per_s"] = result
        finally:
            server.stop()
    return hashing


def _row(result: Result) -> str:
    flags = ""
    if result.errors or result.non_2xx:
        flags = f"  !! {result.errors} socket errors, {result.non_2xx} non-2xx"
    return (
        f"{result.requests_per_s:8.0f} req/s  p50 {result.p50_ms:7.2f} ms  "
        f"p99 {result.p99_ms:7.2f} ms{flags}"
    )


def report(
    options: argparse.Namespace,
    env: dict[str, str],
    results: dict[str, Result],
    hashing: dict[str, Any],
    memory: dict[str, list[float]],
) -> None:
    cache = "Redis" if env.get("REDIS_URL") else "per-process memory (locmem)"
    print()
    print(
        f"Database: {describe_database(env['DATABASE_URL'])}; cache: {cache}; "
        f"gunicorn {options.workers} workers {options.gunicorn_args or ''}; "
        f"wrk -t{options.threads} -c{options.connections}; best of {options.rounds} x "
        f"{options.duration:g} s"
    )
    print()
    print("| request | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for name, result in results.items():
        print(
            f"| {name} | {result.requests_per_s:.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} |"
        )
    print()
    print("| ratio | value |")
    print("|---|---:|")
    for label, numerator, denominator in RATIOS:
        if numerator not in results or denominator not in results:
            continue
        value = results[numerator].requests_per_s / results[denominator].requests_per_s
        print(f"| {label} | {value:.2f} |")
    if memory:
        print()
        print("| server, when | workers' resident memory after the run (VmRSS, MiB) |")
        print("|---|---|")
        for name, sizes in memory.items():
            print(f"| {name} | {', '.join(f'{size:.1f}' for size in sizes)} |")
    if hashing:
        print()
        print("| hasher | parameters | ms per hash (median) | logins/s on the workers |")
        print("|---|---|---:|---:|")
        for name, data in hashing.items():
            logins = data.get("logins_per_s")
            print(
                f"| {name} | {data['parameters']} | {data['median_s'] * 1000:.1f} | "
                f"{f'{logins.requests_per_s:.1f}' if logins else '-'} |"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
