"""Per-action conditions beyond "who is this"."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.authentication import enforce_csrf
from accounts.errors import CrossSiteRequest


class CsrfTokenRequired(BasePermission):
    """The request carries a valid CSRF token, whoever sends it.

    Login needs it although the browser has no session yet: otherwise another site
    could sign the browser in to an account of its choosing (login CSRF).
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        enforce_csrf(request)
        return True


class NotCrossSite(BasePermission):
    """Refuse requests that the browser marks as coming from another site.

    ``GET /auth/logout/`` needs no CSRF token, so without this a link or an image on any
    site could sign the user out.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            raise CrossSiteRequest()
        return True
