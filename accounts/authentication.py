"""How requests prove who they are."""

from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.exceptions import CsrfFailed


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication: CSRF enforced on every unsafe request it admits.

    It names a scheme in ``WWW-Authenticate`` so that DRF answers 401, not 403, to a
    request without credentials.
    """

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
