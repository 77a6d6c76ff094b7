"""How requests prove who they are."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.exceptions import CsrfFailed
from core.language import UserLanguageMixin, activate_user_language


class SessionAuthentication(UserLanguageMixin, authentication.SessionAuthentication):
    """DRF's session authentication: CSRF enforced on every unsafe request it admits.

    It names a scheme in ``WWW-Authenticate`` so that DRF answers 401, not 403, to a
    request without credentials. The user's language is active before the CSRF check,
    so its refusal is in that language too.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        user = getattr(request._request, "user", None)
        if not user or not user.is_active:
            return None
        activate_user_language(request, user)
        self.enforce_csrf(request)
        return (user, None)

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="accounts"'

    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise CsrfFailed() from exc


def enforce_csrf(request: Request) -> None:
    """Check the CSRF token of a request that has no session yet (login)."""
    SessionAuthentication().enforce_csrf(request)
