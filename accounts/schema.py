"""How the OpenAPI document describes the service's authentication schemes.

``AutoSchema`` is DRF's ``DEFAULT_SCHEMA_CLASS``: whatever generates the schema (its
view, ``manage.py spectacular``, a test) loads this module, and with it these
extensions, through it. Nothing loads it at start: drf-spectacular's generator and
what it imports (DRF's and Django's test clients) stay out of the workers that never
serve the schema.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema class; importing it registers the extensions below."""


class SessionCookieScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `POST /auth/tokens/`, sent as "
            "`Authorization: Bearer <token>`. No CSRF token is needed.",
        }
