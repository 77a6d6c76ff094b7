"""Driving Debian's Chromium through the account pages, as a person would.

Playwright for Python drives the browser installed by the system package (never a
browser of its own: ``playwright install`` is not part of this project). axe-core comes
bundled with ``axe-playwright-python`` and is injected into each page from disk, so
nothing is fetched at run time.

Playwright's synchronous API runs an event loop in the test's thread, where Django
refuses database calls: :func:`off_loop` runs the test's own checks of the database in a
thread of their own, and the email worker runs as the real process, ``manage.py
db_worker --batch``, against the test database (:func:`run_worker`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connection, connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    ViewportSize,
)

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
# The worker of ``make run``, sending what is queued, then stopping.
WORKER_FLAGS = ["--batch", "--no-startup-delay", "--no-reload", "--skip-checks"]
#: Where screenshots go: docs/screenshots with ``UPDATE_SCREENSHOTS=1`` (``make
#: screenshots``), else the test's own temporary folder.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

_T = TypeVar("_T")


def new_context(browser: Browser, *, language: str, viewport: ViewportSize) -> BrowserContext:
    """A fresh browser profile that asks for ``language`` (``Accept-Language``)."""
    context = browser.new_context(
        locale={"en": "en-GB", "ar": "ar-EG"}[language], viewport=viewport, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    return context


def off_loop(work: Callable[[], _T]) -> _T:
    """Run ``work`` (database calls) in a thread outside Playwright's event loop."""

    def run() -> _T:
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _database_url() -> str:
    """The test database, as ``DATABASE_URL`` says it to another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_worker() -> None:
    """Send the queued email with the real worker process, as ``make run`` does.

    It renders links from ``SITE_URL`` and sends to the SMTP server the settings name
    (the test's aiosmtpd), so the message that arrives is the one a person would get.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
        "SITE_URL": settings.SITE_URL,
        "FRONTEND_URL": settings.FRONTEND_URL,
    }
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", *WORKER_FLAGS],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )


class Watcher:
    """Collects what the browser reports as wrong: console errors, CSP refusals, failures.

    A page that answers a refused form with 400 or 429 is expected (the browser logs
    its status); a stylesheet or any other resource that fails is not.
    """

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"} and not message.text.startswith(
            "Failed to load resource"  # reported with its address by ``_response``
        ):
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    results = _axe.run(page)
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert blocking == [], f"{page.url}\n" + "\n".join(blocking)


class Camera:
    """Full-page screenshots of the main pages at both widths, named page-language-width."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def shoot(self, page: Page, name: str, language: str) -> None:
        current = page.viewport_size or DESKTOP
        for label, size in (("desktop", DESKTOP), ("360", PHONE)):
            page.set_viewport_size(size)
            path = self.folder / f"{name}-{language}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            self.taken.append(path)
        page.set_viewport_size(current)
