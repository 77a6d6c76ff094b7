"""System checks of the passkey settings: a wrong relying party fails at startup, not at sign-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def check_relying_party(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Browsers accept an RP id only on its own host or a parent domain of the page."""
    from mfa.app_settings import app_settings

    try:
        rp_id = app_settings.WEBAUTHN_RP_ID
        origins = app_settings.WEBAUTHN_ORIGINS
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="mfa.E001")]
    errors: list[CheckMessage] = []
    if not rp_id or any(char in rp_id for char in ":/ ") or rp_id != rp_id.lower():
        errors.append(
            Error(
                f"ACCOUNTS_WEBAUTHN_RP_ID {rp_id!r} is not a host name.",
                hint="A lower-case domain such as example.com: no scheme, port or path.",
                id="mfa.E002",
            )
        )
        return errors
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"}:
            continue  # a native app's origin (android:apk-key-hash:...) names no host
        host = parts.hostname or ""
        if host != rp_id and not host.endswith(f".{rp_id}"):
            errors.append(
                Error(
                    f"The passkey origin {origin} is not on {rp_id} or one of its subdomains.",
                    hint="Set ACCOUNTS_WEBAUTHN_RP_ID to a domain that every origin shares.",
                    id="mfa.E003",
                )
            )
        elif parts.scheme == "http" and host != "localhost" and not host.endswith(".localhost"):
            message = (
                f"The passkey origin {origin} is not HTTPS; browsers offer passkeys "
                "only to secure pages (and localhost)."
            )
            if settings.DEBUG:
                # A development server on a LAN name still serves every page but passkeys.
                errors.append(Warning(message, id="mfa.W004"))
            else:
                errors.append(Error(message, id="mfa.E004"))
    return errors
