"""System checks that turn a misconfiguration into a startup error, not an incident."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_session_cache(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """A cache in front of sessions and users must be shared by every process.

    A per-process cache would keep serving a session or a user that another process
    ended or changed. Without Redis no cache is used for them (the tables are read).
    """
    from accounts.app_settings import app_settings

    alias = app_settings.SESSION_CACHE
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "") if alias else ""
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            Warning(
                f"ACCOUNTS_SESSION_CACHE names a per-process cache ({alias!r}): a session or "
                "user ended or changed by one process would go on working in the others.",
                hint="Point it at Redis (REDIS_URL), or leave it unset to read the tables.",
                id="accounts.W001",
            )
        ]
    return []


@register()
def check_email_verification_policy(app_configs: Any, **kwargs: Any) -> list[Error]:
    from accounts.app_settings import app_settings

    if app_settings.EMAIL_VERIFICATION not in {"optional", "mandatory"}:
        return [
            Error(
                "ACCOUNTS_EMAIL_VERIFICATION must be 'optional' or 'mandatory'.",
                id="accounts.E002",
            )
        ]
    return []


@register()
def check_throttle_rates(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A typo in a THROTTLE_* variable must stop the start-up, not lift a limit."""
    from core.counters import parse_rate

    errors = []
    for scope, rate in settings.THROTTLE_RATES.items():
        try:
            parse_rate(rate)
        except ValueError as exc:
            errors.append(Error(f"THROTTLE_RATES[{scope!r}]: {exc}", id="accounts.E003"))
    return errors
