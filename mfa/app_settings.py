"""Every tunable of the second factors, typed and documented in one place.

Values come from Django settings (``ACCOUNTS_MFA_*``, ``ACCOUNTS_WEBAUTHN_*``), which
read the environment; the defaults here are the product's documented behaviour.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AppSettings:
    def _get(self, name: str, default: object) -> Any:
        # Django settings are untyped: each property below converts the value it reads.
        return getattr(settings, f"ACCOUNTS_{name}", default)

    @property
    def MFA_ISSUER(self) -> str:
        """The name an authenticator app shows beside the account ("Accounts")."""
        return str(self._get("MFA_ISSUER", "Accounts"))

    @property
    def TOTP_SETUP_TIMEOUT(self) -> timedelta:
        """How long a started authenticator-app setup can be confirmed (10 minutes)."""
        return timedelta(seconds=int(self._get("MFA_TOTP_SETUP_TIMEOUT", 600)))

    @property
    def WEBAUTHN_CHALLENGE_TIMEOUT(self) -> timedelta:
        """How long a passkey challenge can be answered (5 minutes)."""
        return timedelta(seconds=int(self._get("WEBAUTHN_CHALLENGE_TIMEOUT", 300)))

    @property
    def WEBAUTHN_RP_NAME(self) -> str:
        """The relying party's name that passkey prompts show; the issuer by default."""
        return str(self._get("WEBAUTHN_RP_NAME", "") or self.MFA_ISSUER)

    @property
    def WEBAUTHN_RP_ID(self) -> str:
        """The relying-party id passkeys are bound to: the host of the site by default.

        Changing it later orphans every registered passkey (authenticators scope their
        credentials to it), so production sets it once, usually to the registrable
        domain (``example.com``) so that ``app.example.com`` and the service can both use it.
        """
        configured = str(self._get("WEBAUTHN_RP_ID", "") or "")
        if configured:
            return configured
        host = urlsplit(site_url()).hostname
        if not host:
            raise ImproperlyConfigured("Set ACCOUNTS_WEBAUTHN_RP_ID, FRONTEND_URL or SITE_URL.")
        return host

    @property
    def WEBAUTHN_ORIGINS(self) -> list[str]:
        """Origins a passkey ceremony may come from: the site's own origin by default.

        A browser reports the page's origin (``https://app.example.com``); a native app
        reports its own (``android:apk-key-hash:...``), so apps are listed here too.
        """
        configured = self._get("WEBAUTHN_ORIGINS", None)
        if configured:
            return [str(origin).rstrip("/") for origin in configured]
        parts = urlsplit(site_url())
        if not parts.scheme or not parts.netloc:
            raise ImproperlyConfigured("Set ACCOUNTS_WEBAUTHN_ORIGINS, FRONTEND_URL or SITE_URL.")
        return [f"{parts.scheme}://{parts.netloc}"]


def site_url() -> str:
    """The URL people use the product at, from which the passkey defaults are derived.

    ``FRONTEND_URL`` when the product has a front end; otherwise the service's own
    account pages are the site, at ``SITE_URL``.
    """
    return str(getattr(settings, "FRONTEND_URL", "") or getattr(settings, "SITE_URL", "") or "")


app_settings = AppSettings()
