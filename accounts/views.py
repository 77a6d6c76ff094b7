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
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.flows.account_deletion import delete_account
from accounts.flows.data_export import export_user_data
from accounts.flows.email_change import confirm_email_change, request_email_change
from accounts.flows.email_verification import resend_verification, verify_email
from accounts.flows.login import log_in_with_password, log_out
from accounts.flows.onboarding import complete_onboarding
from accounts.flows.password_change import change_password
from accounts.flows.password_reset import confirm_password_reset, request_password_reset
from accounts.permissions import CsrfTokenRequired, NotCrossSite
from accounts.serializers import (
    ChangeEmailInput,
    ChangePasswordInput,
    ConfirmEmailChangeInput,
    CsrfTokenSerializer,
    ExportSerializer,
    LoginInput,
    LoginOutput,
    MessageSerializer,
    PasswordInput,
    ResetPasswordConfirmInput,
    ResetPasswordInput,
    UserSerializer,
    UserUpdateSerializer,
    VerifyEmailInput,
)

_errors = {
    400: OpenApiResponse(description="Field errors: `{field: [message]}` and `codes`."),
    401: OpenApiResponse(description="Not authenticated."),
}


class AuthViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """ViewSet for authentication operations: register, login, logout and the profile.

    - ``POST /auth/``: register (no session is started)
    - ``POST /auth/login/``: log in
    - ``GET``/``POST /auth/logout/``: log out
    - ``GET /auth/me/``: the current user
    - ``PATCH /auth/update_profile/``: change names, currency, language
    - ``GET /auth/csrf/``: a CSRF token for the browser
    - the account lifecycle: ``complete_onboarding``, ``verify_email``,
      ``resend_verification``, ``change_password``, ``reset_password``,
      ``reset_password_confirm``, ``change_email``, ``confirm_email_change``,
      ``delete_account``, ``export``

    The actions whose emailed key is the proof (``verify_email``,
    ``reset_password_confirm``, ``confirm_email_change``) and ``reset_password`` take no
    credentials: they work from a link opened on any device, with no session.
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

    @extend_schema(
        summary="Register",
        responses={201: UserSerializer, 400: _errors[400]},
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
        },
        tags=["auth"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[CsrfTokenRequired],
        serializer_class=LoginInput,
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

    # --- Account lifecycle ------------------------------------------------------------

    @extend_schema(
        summary="Complete onboarding",
        request=None,
        responses={200: UserSerializer, **_errors},
        tags=["lifecycle"],
    )
    @action(detail=False, methods=["post"])
    def complete_onboarding(self, request: Request) -> Response:
        """Move the account from ``Onboarding`` to ``Active``; 400 lists what is missing."""
        user = complete_onboarding(user=request.user)
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Verify email",
        request=VerifyEmailInput,
        responses={200: UserSerializer, 400: _errors[400]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        serializer_class=VerifyEmailInput,
    )
    def verify_email(self, request: Request) -> Response:
        """Confirm the address with the key from the verification email."""
        data = VerifyEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = verify_email(request=request._request, **data.validated_data)
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Resend verification email",
        request=None,
        responses={202: MessageSerializer, 401: _errors[401]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        # Rate limit: plug in accounts.throttling.VerificationResendThrottle here.
        throttle_classes=[],
    )
    def resend_verification(self, request: Request) -> Response:
        """Send a new verification link to the account's address (unless verified)."""
        resend_verification(user=request.user)
        return Response(
            {"message": _("A verification link is on its way.")}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        summary="Change password",
        request=ChangePasswordInput,
        responses={200: MessageSerializer, **_errors},
        tags=["lifecycle"],
    )
    @action(detail=False, methods=["post"], serializer_class=ChangePasswordInput)
    def change_password(self, request: Request) -> Response:
        """Set a new password; every other session and every bearer token ends."""
        data = ChangePasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        change_password(request=request._request, user=request.user, **data.validated_data)
        return Response({"message": _("Your password was changed.")})

    @extend_schema(
        summary="Request a password reset",
        request=ResetPasswordInput,
        responses={202: MessageSerializer, 400: _errors[400]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        serializer_class=ResetPasswordInput,
        # Rate limit: plug in accounts.throttling.PasswordResetEmailThrottle (scope
        # ``password_reset``) here.
        throttle_classes=[],
    )
    def reset_password(self, request: Request) -> Response:
        """Email a reset link; the answer is the same whether or not the account exists."""
        data = ResetPasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        request_password_reset(**data.validated_data)
        return Response(
            {"message": _("If an account uses this address, a reset link is on its way.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Reset the password",
        request=ResetPasswordConfirmInput,
        responses={200: MessageSerializer, 400: _errors[400]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        serializer_class=ResetPasswordConfirmInput,
    )
    def reset_password_confirm(self, request: Request) -> Response:
        """Set a new password with the emailed uid and token; every session ends."""
        data = ResetPasswordConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        confirm_password_reset(request=request._request, **data.validated_data)
        return Response({"message": _("Your password was reset. Sign in with the new one.")})

    @extend_schema(
        summary="Change email",
        request=ChangeEmailInput,
        responses={202: MessageSerializer, **_errors},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        serializer_class=ChangeEmailInput,
        # Rate limit: plug in an email-sending throttle from accounts.throttling here.
        throttle_classes=[],
    )
    def change_email(self, request: Request) -> Response:
        """Send a confirmation link to the new address; nothing changes until it is used."""
        data = ChangeEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        request_email_change(user=request.user, **data.validated_data)
        return Response(
            {"message": _("A confirmation link was sent to the new address.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Confirm email change",
        request=ConfirmEmailChangeInput,
        responses={200: UserSerializer, 400: _errors[400]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        serializer_class=ConfirmEmailChangeInput,
    )
    def confirm_email_change(self, request: Request) -> Response:
        """Move the account to the new address with the key sent there."""
        data = ConfirmEmailChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = confirm_email_change(request=request._request, **data.validated_data)
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Delete account",
        request=PasswordInput,
        responses={204: None, **_errors},
        tags=["lifecycle"],
    )
    @action(detail=False, methods=["post"], serializer_class=PasswordInput)
    def delete_account(self, request: Request) -> Response:
        """Delete the account and everything held about it."""
        data = PasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        delete_account(request=request._request, user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Export my data",
        responses={200: ExportSerializer, 401: _errors[401]},
        tags=["lifecycle"],
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> Response:
        """Everything the service holds about the user, as one JSON document."""
        document = export_user_data(
            user=request.user, current_session_key=request.session.session_key
        )
        return Response(
            document,
            headers={"Content-Disposition": 'attachment; filename="account-export.json"'},
        )
