"""Finishing a sign-in: the second step, a passkey alone, and what a sign-in answers.

Every sign-in answers the same way, whichever steps it took: a browser session gets
the login's 200 (``message``, ``user``, ``csrf_token``), a bearer token the token's 201.
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import binding_of, enforce_csrf
from accounts.flows.login import (
    SignIn,
    complete_second_step,
    passkey_sign_in_options,
    second_step_options,
    sign_in_with_passkey,
    start_session,
)
from accounts.flows.tokens import issue_token
from accounts.models import AuthToken, PendingSignIn
from accounts.serializers import (
    LoginOutput,
    MfaTokenInput,
    PasskeySignInInput,
    SecondStepInput,
    TokenCreatedSerializer,
    UserSerializer,
)
from accounts.throttling import LoginRequestThrottle
from accounts.views.base import ERRORS, client_of, validated
from core.i18n import activate_user_language
from core.viewsets import KnownMethodsMixin


def session_started(request: Request, sign_in: SignIn) -> Response:
    """Start the browser session of a finished sign-in: the login's answer."""
    start_session(request._request, sign_in.user, second_factor=sign_in.second_factor)
    # The user is known from here on: the answer speaks their language.
    activate_user_language(request, sign_in.user)
    return Response(
        {
            "message": _("Login successful"),
            "user": UserSerializer(sign_in.user).data,
            "csrf_token": get_token(request._request),
        }
    )


def token_issued(token: AuthToken, secret: str) -> Response:
    """The token creation's answer: the only time the secret is ever shown."""
    body = {
        "id": token.pk,
        "name": token.name,
        "token": secret,
        "created": token.created,
        "expires": token.expires,
    }
    return Response(TokenCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


def signed_in(request: Request, sign_in: SignIn) -> Response:
    """Answer a finished sign-in with what its first step asked for."""
    if sign_in.purpose == PendingSignIn.Purpose.SESSION:
        return session_started(request, sign_in)
    token, secret = issue_token(
        user=sign_in.user,
        name=sign_in.token_name,
        client=client_of(request),
        second_factor=sign_in.second_factor,
    )
    return token_issued(token, secret)


def _browser_checks(request: Request) -> None:
    # A browser (it has the CSRF cookie) proves the request is its own, as at login.
    if "CSRF_COOKIE" in request._request.META:
        enforce_csrf(request)


_signed_in_responses = {
    200: LoginOutput,
    201: TokenCreatedSerializer,
    400: OpenApiResponse(
        description="Field errors (`{field: [message]}` and `codes`): `invalid_code` on "
        "`code` or `recovery_code` (wrong, malformed or used), `invalid_credential` or "
        "`challenge_expired` on `credential`, `one_answer` when not exactly one is given."
    ),
    401: OpenApiResponse(
        description="`invalid_mfa_token`: the pending sign-in is unknown, expired (5 "
        "minutes), used, void (the 5th wrong answer voids it) or another client's; sign "
        "in again. `invalid_credentials` when no second-factor provider is installed."
    ),
    403: OpenApiResponse(description="A browser's request without its CSRF token."),
    429: OpenApiResponse(
        description="`locked_out` (wrong answers count as failed logins of the email) or "
        "`throttled`; `Retry-After` gives the seconds to wait."
    ),
}
_passkey_options_response = OpenApiResponse(
    description="WebAuthn `PublicKeyCredentialRequestOptions` as JSON (binary fields "
    "base64url), for `navigator.credentials.get()`; the challenge is valid 5 minutes."
)


class SignInViewSet(KnownMethodsMixin, viewsets.ViewSet):
    """The steps of a sign-in after (or instead of) the password.

    - ``POST /auth/mfa/authenticate/``: the second step, with the ``mfa_token``
    - ``POST /auth/mfa/authenticate/options/``: passkey options for that step
    - ``POST /auth/passkeys/login/``: a sign-in with a passkey alone
    - ``POST /auth/passkeys/login/options/``: its options
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRequestThrottle]

    @extend_schema(
        summary="Second step of a sign-in",
        request=SecondStepInput,
        responses=_signed_in_responses,
        auth=[],
        tags=["mfa"],
    )
    def authenticate(self, request: Request) -> Response:
        """Answer a pending sign-in with a code, a recovery code or a passkey.

        The answer is what the password step would have given without a second factor:
        the login's 200 with a session, or the token's 201. Five wrong answers void the
        ``mfa_token`` and count as failed logins of the email.
        """
        _browser_checks(request)
        data = validated(SecondStepInput, request)
        mfa_token = data.pop("mfa_token")
        sign_in = complete_second_step(
            mfa_token=mfa_token,
            binding=lambda purpose: binding_of(request._request, purpose),
            client=client_of(request),
            **data,
        )
        return signed_in(request, sign_in)

    @extend_schema(
        summary="Passkey options for the second step",
        request=MfaTokenInput,
        responses={
            200: _passkey_options_response,
            400: ERRORS[400],
            401: OpenApiResponse(description="`invalid_mfa_token`: sign in again."),
        },
        auth=[],
        tags=["mfa"],
    )
    def authenticate_options(self, request: Request) -> Response:
        """WebAuthn request options listing the pending user's passkeys."""
        data = validated(MfaTokenInput, request)
        options = second_step_options(
            mfa_token=data["mfa_token"],
            binding=lambda purpose: binding_of(request._request, purpose),
        )
        return Response(options)

    @extend_schema(
        summary="Sign in with a passkey",
        request=PasskeySignInInput,
        responses=_signed_in_responses,
        auth=[],
        tags=["passkeys"],
    )
    def passkey_login(self, request: Request) -> Response:
        """A discoverable passkey alone: a session, or with ``token_name`` a bearer token."""
        data = validated(PasskeySignInInput, request)
        token_name = data.get("token_name")
        if token_name is None:
            enforce_csrf(request)  # a browser signs in only with its own CSRF token
        purpose = (
            PendingSignIn.Purpose.SESSION if token_name is None else PendingSignIn.Purpose.TOKEN
        )
        sign_in = sign_in_with_passkey(
            credential=data["credential"], client=client_of(request), purpose=purpose
        )
        return signed_in(
            request,
            SignIn(user=sign_in.user, purpose=purpose, token_name=token_name or ""),
        )

    @extend_schema(
        summary="Options to sign in with a passkey",
        request=None,
        responses={200: _passkey_options_response, 429: ERRORS[429]},
        auth=[],
        tags=["passkeys"],
    )
    def passkey_login_options(self, request: Request) -> Response:
        """Request options for a discoverable passkey (any of the user's for this site)."""
        return Response(passkey_sign_in_options())


def routes() -> list[Any]:
    """The URL patterns of the sign-in steps (explicit: they sit among other resources)."""
    from django.urls import path

    def view(action: str) -> Any:
        return SignInViewSet.as_view({"post": action})

    return [
        path("auth/mfa/authenticate/", view("authenticate"), name="mfa-authenticate"),
        path(
            "auth/mfa/authenticate/options/",
            view("authenticate_options"),
            name="mfa-authenticate-options",
        ),
        path("auth/passkeys/login/", view("passkey_login"), name="passkey-login"),
        path(
            "auth/passkeys/login/options/",
            view("passkey_login_options"),
            name="passkey-login-options",
        ),
    ]
