"""How requests prove who they are: a bearer token, or a session cookie with CSRF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import AuthToken, PendingSignIn, User
from accounts.security.tokens import find_token, touch_token
from core.authentication import CsrfFailed, UserLanguageMixin
from core.i18n import activate_user_language


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = _("The bearer token is invalid, expired or revoked.")
    default_code = "invalid_token"


class MalformedAuthorization(exceptions.AuthenticationFailed):
    default_detail = _("The Authorization header must be 'Bearer <token>'.")
    default_code = "invalid_authorization_header"


class BearerTokenAuthentication(UserLanguageMixin, authentication.BaseAuthentication):
    """``Authorization: Bearer <secret>`` for non-browser clients.

    No CSRF check: a browser never adds this header by itself, so another site cannot
    make it send one. A request that names the Bearer scheme with a secret that does not
    authenticate is refused with 401, never passed on to the session: a client that
    believes it sends a token must learn that the token is dead.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, AuthToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        secret = secret.strip()
        if not secret or " " in secret:
            raise MalformedAuthorization()
        token = find_token(secret)
        if token is None or not token.user.is_active:
            raise InvalidToken()
        touch_token(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # RFC 6750 section 3: a dead token is answered with error="invalid_token".
        if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer"):
            return 'Bearer realm="accounts", error="invalid_token"'
        return 'Bearer realm="accounts"'


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


def binding_of(request: HttpRequest, purpose: str) -> str:
    """What ties a pending sign-in (``mfa_token``) to the client that started it.

    A browser's sign-in is tied to its CSRF secret, which no other site can read or set
    for it; a bearer-token sign-in (an app, a script) to its User-Agent.
    """
    if purpose == PendingSignIn.Purpose.SESSION:
        tie = "csrf:" + str(request.META.get("CSRF_COOKIE") or "")
    else:
        tie = "agent:" + str(request.META.get("HTTP_USER_AGENT", ""))
    return salted_hmac("accounts.pending-sign-in.binding", tie).hexdigest()


def current_session_id(request: Request) -> int | None:
    """The id of the session that authenticated ``request``; ``None`` for a bearer token."""
    if not isinstance(request.successful_authenticator, SessionAuthentication):
        return None
    record = getattr(request._request.session, "record", None)
    return record.id if record is not None else None
