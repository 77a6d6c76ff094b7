"""``AuthViewSet``: the seed's routes, registration at ``POST /auth/`` and one action per verb.

Each action validates its input, calls one flow and renders the public user shape. The
account lifecycle actions live beside it (``accounts.views.lifecycle``).
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import binding_of
from accounts.flows.login import SignIn, log_out, sign_in_with_password
from accounts.flows.profile import update_profile
from accounts.flows.registration import register_user
from accounts.models import AuthToken, PendingSignIn, User
from accounts.permissions import CsrfTokenRequired, NotCrossSite
from accounts.serializers import (
    CsrfTokenSerializer,
    LoginInput,
    LoginOutput,
    MessageSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from accounts.throttling import RegistrationThrottle
from accounts.views.base import (
    ERRORS,
    CredentialFreeCreateMixin,
    client_of,
    sign_in_input,
    signed_in,
    validated,
)
from accounts.views.lifecycle import LifecycleActions
from accounts.views.sign_in import session_started
from accounts.views.step_up import StepUpActions
from core.viewsets import KnownMethodsMixin


class AuthViewSet(
    KnownMethodsMixin,
    CredentialFreeCreateMixin,
    LifecycleActions,
    StepUpActions,
    viewsets.GenericViewSet[User],
):
    """Authentication and the profile; registration starts no session and needs no CSRF token.

    - ``POST /auth/``: register
    - ``POST /auth/login/``: log in (CSRF token required: no login CSRF)
    - ``GET``/``POST /auth/logout/``: log out
    - ``GET /auth/me/``: the current user
    - ``PATCH /auth/update_profile/``: change names, currency, language
    - ``GET /auth/csrf/``: a CSRF token for the browser
    - the account lifecycle (``LifecycleActions``), re-authentication (``StepUpActions``)
    """

    serializer_class = UserSerializer
    create_throttles = (RegistrationThrottle,)
    # GET /auth/logout/ (kept from the seed) ends the session: HEAD must not.
    actions_without_head = frozenset({"logout"})

    @extend_schema(
        summary="Register",
        request=UserSerializer,
        responses={201: UserSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        tags=["auth"],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a new account in the ``Onboarding`` status; the client logs in next."""
        user = register_user(**validated(UserSerializer, request))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Log in",
        request=LoginInput,
        responses={
            200: LoginOutput,
            400: ERRORS[400],
            401: OpenApiResponse(
                description='`{"message": "Invalid credentials", "code": "invalid_credentials"}`;'
                " or, for a user with a second factor, `mfa_required`: "
                '`{"code": "mfa_required", "message", "mfa_token", "methods"}`; nothing is '
                "started until `POST /auth/mfa/authenticate/` answers the second step."
            ),
            403: OpenApiResponse(description="CSRF token missing or incorrect."),
            429: OpenApiResponse(
                description="Locked out (`locked_out`: 5 failures for this email in 5 "
                "minutes) or throttled (`throttled`: too many from this address); "
                "`Retry-After` gives the seconds to wait."
            ),
        },
        tags=["auth"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[CsrfTokenRequired],
        # Its login limit counts at the sign-in gate, with the failure counts, in one step.
        throttle_classes=[],
    )
    def login(self, request: Request) -> Response:
        """Authenticate by email and password and start a fresh session."""
        credentials = sign_in_input(LoginInput, request)
        purpose = PendingSignIn.Purpose.SESSION
        user = sign_in_with_password(
            **credentials,
            client=client_of(request),
            purpose=purpose,
            binding=binding_of(request._request, purpose),
        )
        return session_started(request, SignIn(user=user, purpose=purpose, second_factor=False))

    @extend_schema(
        summary="Log out",
        request=None,
        responses={200: MessageSerializer, 401: ERRORS[401], 503: ERRORS[503]},
        tags=["auth"],
    )
    @action(
        detail=False,
        methods=["get", "post"],
        permission_classes=[IsAuthenticated, NotCrossSite],
    )
    def logout(self, request: Request) -> Response:
        """End the current session, or revoke the bearer token the request carries."""
        token = request.auth if isinstance(request.auth, AuthToken) else None
        log_out(request._request, user=signed_in(request), token=token)
        return Response({"message": _("Successfully logged out")})

    @extend_schema(
        summary="Current user", responses={200: UserSerializer, 401: ERRORS[401]}, tags=["auth"]
    )
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        """Return the profile of the authenticated user."""
        return Response(UserSerializer(signed_in(request)).data)

    @extend_schema(
        summary="Update profile",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, 400: ERRORS[400], 401: ERRORS[401]},
        tags=["auth"],
    )
    @action(detail=False, methods=["patch"])
    def update_profile(self, request: Request) -> Response:
        """Change any of first_name, last_name, currency and language."""
        user = signed_in(request)
        changes = UserUpdateSerializer(user, data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        return Response(UserSerializer(update_profile(user=user, **changes.validated_data)).data)

    @extend_schema(summary="CSRF token", responses={200: CsrfTokenSerializer}, tags=["auth"])
    @action(detail=False, methods=["get"], permission_classes=[AllowAny], authentication_classes=[])
    def csrf(self, request: Request) -> Response:
        """Set the CSRF cookie and return its token, for the ``X-CSRFToken`` header."""
        return Response({"csrf_token": get_token(request._request)})
