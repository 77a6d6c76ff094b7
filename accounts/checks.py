"""System checks that turn a misconfiguration into a startup error, not an incident."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

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


_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@register()
def check_site_url(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Emailed links start with ``SITE_URL`` (or ``FRONTEND_URL``): each must be a whole URL."""
    errors = []
    for name in ("SITE_URL", "FRONTEND_URL"):
        value = str(getattr(settings, name, "") or "")
        if name == "FRONTEND_URL" and not value:
            continue  # unset: the service's own pages are the site
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            errors.append(
                Error(
                    f"{name} {value!r} is not an http(s) URL.",
                    hint="A base such as https://accounts.example.com, without a query.",
                    id="accounts.E004",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_site_url_in_production(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """In production, links in emails must reach people, not the server's own loopback."""
    if settings.FRONTEND_URL:
        return []  # emailed links go to the front end
    host = urlsplit(str(settings.SITE_URL)).hostname or ""
    if host in _LOOPBACK_HOSTS or host.endswith(".localhost"):
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: every link in an email would point at "
                "the reader's own machine.",
                hint="Set SITE_URL to the service's public address, e.g. "
                "https://accounts.example.com (or FRONTEND_URL to the product's front end).",
                id="accounts.W002",
            )
        ]
    return []
