"""Every tunable of the accounts app, typed and documented in one place.

Values come from Django settings (``ACCOUNTS_*``), which read the environment; the
defaults here are the product's documented behaviour.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings


class AppSettings:
    def _get(self, name: str, default: object) -> Any:
        # Django settings are untyped: each property below converts the value it reads.
        return getattr(settings, f"ACCOUNTS_{name}", default)

    @property
    def EMAIL_VERIFICATION(self) -> str:
        """``optional``: unverified users may finish onboarding; ``mandatory``: they may not."""
        return str(self._get("EMAIL_VERIFICATION", "optional"))

    @property
    def SESSION_ABSOLUTE_LIFETIME(self) -> timedelta:
        """How long a session lives after sign-in however much it is used (14 days)."""
        return timedelta(seconds=settings.SESSION_COOKIE_AGE)

    @property
    def SESSION_IDLE_TIMEOUT(self) -> timedelta:
        """How long a session survives unused (24 hours)."""
        return timedelta(seconds=int(self._get("SESSION_IDLE_TIMEOUT", 24 * 3600)))

    @property
    def SESSION_TOUCH_INTERVAL(self) -> timedelta:
        """How stale ``last_seen`` may get before a request writes it (5 minutes).

        Writing it on every request would add a database write to every read.
        """
        return timedelta(seconds=int(self._get("SESSION_TOUCH_INTERVAL", 300)))

    @property
    def TOKEN_TTL(self) -> timedelta:
        """How long a bearer token works after it is issued (30 days)."""
        return timedelta(seconds=int(self._get("TOKEN_TTL", 30 * 24 * 3600)))

    @property
    def TOKEN_TOUCH_INTERVAL(self) -> timedelta:
        """How stale a token's ``last_used`` may get before a request writes it (5 minutes).

        Like the session's ``last_seen``: a write per request would double the cost of
        every authenticated read.
        """
        return timedelta(seconds=int(self._get("TOKEN_TOUCH_INTERVAL", 300)))

    @property
    def SESSION_CACHE(self) -> str | None:
        """Cache alias that fronts the session and user tables, or ``None`` to read them.

        Set when Redis is configured; without Redis the tables are read directly.
        """
        alias = self._get("SESSION_CACHE", None)
        return str(alias) if alias else None

    @property
    def EMAIL_VERIFICATION_KEY_MAX_AGE(self) -> timedelta:
        """How long an emailed verification link works (24 hours)."""
        return timedelta(seconds=int(self._get("EMAIL_VERIFICATION_KEY_MAX_AGE", 24 * 3600)))

    @property
    def EMAIL_CHANGE_KEY_MAX_AGE(self) -> timedelta:
        """How long a link confirming a new email address works (1 hour)."""
        return timedelta(seconds=int(self._get("EMAIL_CHANGE_KEY_MAX_AGE", 3600)))

    @property
    def EMAIL_MAX_ATTEMPTS(self) -> int:
        """How many times the worker tries to hand a message to SMTP before giving up (5)."""
        return int(self._get("EMAIL_MAX_ATTEMPTS", 5))

    @property
    def EMAIL_RETRY_DELAY(self) -> timedelta:
        """Wait before the first retry of a transient SMTP failure; doubles each time (60 s).

        With the defaults the attempts span about a quarter of an hour, which rides out
        a mail server restart without holding a reset link back past its lifetime.
        """
        return timedelta(seconds=int(self._get("EMAIL_RETRY_DELAY", 60)))

    @property
    def LOGIN_FAILURE_LIMIT(self) -> int:
        """Failed logins allowed per email (registered or not) in one window (5)."""
        return int(self._get("LOGIN_FAILURE_LIMIT", 5))

    @property
    def LOGIN_FAILURE_WINDOW(self) -> int:
        """Seconds from an email's first failed login until its count restarts (300)."""
        return int(self._get("LOGIN_FAILURE_WINDOW", 300))

    @property
    def MFA_TOKEN_TTL(self) -> timedelta:
        """How long a sign-in waits for its second step (5 minutes)."""
        return timedelta(seconds=int(self._get("MFA_TOKEN_TTL", 300)))

    @property
    def REAUTHENTICATION_WINDOW(self) -> timedelta:
        """How recent a proof of identity sensitive actions need (5 minutes)."""
        return timedelta(seconds=int(self._get("REAUTHENTICATION_WINDOW", 300)))

    @property
    def RECHECK_FAILURE_LIMIT(self) -> int:
        """Failed re-checks (password, codes) allowed per signed-in account in a window (5)."""
        return int(self._get("RECHECK_FAILURE_LIMIT", 5))

    @property
    def RECHECK_FAILURE_WINDOW(self) -> int:
        """Seconds from an account's first failed re-check until its count restarts (300)."""
        return int(self._get("RECHECK_FAILURE_WINDOW", 300))

    @property
    def ADMIN_REQUIRE_MFA(self) -> bool:
        """Keep staff without a second factor out of the admin (on when ``DEBUG`` is off).

        They add one through the API or the account pages first; staff with one always
        answer it at the admin's sign-in, whatever this says.
        """
        return bool(self._get("ADMIN_REQUIRE_MFA", not settings.DEBUG))


app_settings = AppSettings()
