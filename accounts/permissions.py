"""Per-action conditions beyond "who is this"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.authentication import enforce_csrf
from accounts.errors import ReauthenticationRequired
from accounts.models import AuthToken, User
from accounts.security import step_up


class CrossSiteRequest(exceptions.PermissionDenied):
    default_detail = _("Cross-site requests cannot do this.")
    default_code = "cross_site_request"


class CsrfTokenRequired(BasePermission):
    """The request carries a valid CSRF token, whoever sends it.

    Login needs it although the browser has no session yet: otherwise another site
    could sign the browser in to an account of its choosing (login CSRF).
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        enforce_csrf(request)
        return True


class NotCrossSite(BasePermission):
    """Refuse what another site, or a sibling subdomain, makes the browser send.

    ``GET /auth/logout/`` needs no CSRF token (the seed's), so an image or a script tag
    elsewhere could sign the user out. Browsers say where a request comes from in
    ``Sec-Fetch-Site``: ``cross-site`` is refused; ``same-site`` (a sibling subdomain,
    which the cookie's ``SameSite=Lax`` does not stop) only as a CORS request from one
    of the trusted front-end origins, whose ``fetch`` sends its ``Origin``. The
    service's own pages (``same-origin``), a typed address (``none``) and clients that
    send no such header (not a browser) are not affected.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        site = request.headers.get("Sec-Fetch-Site")
        if site == "cross-site" or (
            site == "same-site" and request.headers.get("Origin") not in trusted_origins()
        ):
            raise CrossSiteRequest()
        return True


def trusted_origins() -> set[str]:
    """The front-end origins allowed to call with credentials (``CORS_ALLOWED_ORIGINS``)."""
    return set(settings.CORS_ALLOWED_ORIGINS)


class RecentlyAuthenticated(BasePermission):
    """A sensitive action: the caller proved who they are in the last minutes.

    Otherwise 401 ``reauthentication_required`` with the ``methods`` the user can prove
    themselves with at ``POST /auth/reauthenticate/``.
    """

    #: The action takes the password in its body (checked by its flow): enough for a
    #: user without a second factor; a user with one also needs a recent second factor.
    password_in_body = False

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not isinstance(user, User):
            return False
        token = request.auth if isinstance(request.auth, AuthToken) else None
        session = None if token is not None else request._request.session
        if not step_up.is_recent(
            user, session=session, token=token, password_given=self.password_in_body
        ):
            raise ReauthenticationRequired(methods=step_up.methods(user))
        return True


class RecentSecondFactor(RecentlyAuthenticated):
    """An action that takes the password in its body: a second factor too, if the user has one."""

    password_in_body = True
