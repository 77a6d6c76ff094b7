"""Views for handling user authentication and profile management.

``AuthViewSet`` keeps the seed's routes: registration at ``POST /auth/`` and one
action per verb below it. Each action validates its input, calls one flow and
renders the public user shape.
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from accounts.flows.login import log_in_with_password, log_out
from accounts.permissions import CsrfTokenRequired, NotCrossSite
from accounts.serializers import (
    CsrfTokenSerializer,
    LoginInput,
    LoginOutput,
    MessageSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from accounts.throttling import LoginRequestThrottle, RegistrationThrottle

_errors = {
    400: OpenApiResponse(description="Field errors: `{field: [message]}` and `codes`."),
    401: OpenApiResponse(description="Not authenticated."),
    429: OpenApiResponse(
        description="Too many requests: `{detail, code}` and a `Retry-After` header in seconds."
    ),
}


class AuthViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """ViewSet for authentication operations: register, login, logout and the profile.

    - ``POST /auth/``: register (no session is started)
    - ``POST /auth/login/``: log in
    - ``GET``/``POST /auth/logout/``: log out
    - ``GET /auth/me/``: the current user
    - ``PATCH /auth/update_profile/``: change names, currency, language
    - ``GET /auth/csrf/``: a CSRF token for the browser
    """

    serializer_class = UserSerializer

    def _is_registration(self) -> bool:
        # DRF picks the authenticators before it sets ``self.action``.
        if self.request is None:  # schema generation
            return self.action == "create"
        return self.action_map.get(self.request.method.lower()) == "create"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Registration starts no session and touches none, so it needs no credentials
        # and no CSRF token from any client.
        return [] if self._is_registration() else super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self._is_registration() else super().get_permissions()

    def get_throttles(self) -> list[BaseThrottle]:
        return [RegistrationThrottle()] if self._is_registration() else super().get_throttles()

    @extend_schema(
        summary="Register",
        responses={201: UserSerializer, 400: _errors[400], 429: _errors[429]},
        tags=["auth"],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a new account in the ``Onboarding`` status; the client logs in next."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        summary="Log in",
        request=LoginInput,
        responses={
            200: LoginOutput,
            400: _errors[400],
            401: OpenApiResponse(description='`{"message": "Invalid credentials"}`'),
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
        serializer_class=LoginInput,
        throttle_classes=[LoginRequestThrottle],
    )
    def login(self, request: Request) -> Response:
        """Authenticate by email and password and start a fresh session."""
        credentials = LoginInput(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = log_in_with_password(request=request._request, **credentials.validated_data)
        return Response(
            {
                "message": _("Login successful"),
                "user": UserSerializer(user).data,
                "csrf_token": get_token(request._request),
            }
        )

    @extend_schema(
        summary="Log out",
        request=None,
        responses={200: MessageSerializer, 401: _errors[401]},
        tags=["auth"],
    )
    @action(
        detail=False,
        methods=["get", "post"],
        permission_classes=[IsAuthenticated, NotCrossSite],
    )
    def logout(self, request: Request) -> Response:
        """End the current session; a copy of its cookie stops working."""
        log_out(request=request._request)
        return Response({"message": _("Successfully logged out")})

    @extend_schema(
        summary="Current user", responses={200: UserSerializer, 401: _errors[401]}, tags=["auth"]
    )
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        """Return the profile of the authenticated user."""
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        summary="Update profile",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **_errors},
        tags=["auth"],
    )
    @action(detail=False, methods=["patch"], serializer_class=UserUpdateSerializer)
    def update_profile(self, request: Request) -> Response:
        """Change any of first_name, last_name, currency and language."""
        changes = UserUpdateSerializer(request.user, data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        user = changes.save()
        return Response(UserSerializer(user).data)

    @extend_schema(summary="CSRF token", responses={200: CsrfTokenSerializer}, tags=["auth"])
    @action(detail=False, methods=["get"], permission_classes=[AllowAny], authentication_classes=[])
    def csrf(self, request: Request) -> Response:
        """Set the CSRF cookie and return its token, for the ``X-CSRFToken`` header."""
        return Response({"csrf_token": get_token(request._request)})
