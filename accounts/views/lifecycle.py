"""The account lifecycle actions of ``AuthViewSet`` (``/auth/<action>/``).

Each action validates its body with its input serializer, calls one flow and renders
the result. The actions whose emailed key is the proof (``verify_email``,
``reset_password_confirm``, ``confirm_email_change``) and ``reset_password`` take no
credentials: they work from a link opened on any device, with no session.
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import current_session_id
from accounts.flows.account_deletion import delete_account
from accounts.flows.data_export import export_user_data
from accounts.flows.email_change import confirm_email_change, request_email_change
from accounts.flows.email_verification import resend_verification, verify_email
from accounts.flows.onboarding import complete_onboarding
from accounts.flows.password_change import change_password
from accounts.flows.password_reset import confirm_password_reset, request_password_reset
from accounts.permissions import RecentlyAuthenticated, RecentSecondFactor
from accounts.serializers import (
    ChangeEmailInput,
    ChangePasswordInput,
    ConfirmEmailChangeInput,
    ExportSerializer,
    MessageSerializer,
    PasswordInput,
    ResetPasswordConfirmInput,
    ResetPasswordInput,
    UserSerializer,
    VerifyEmailInput,
)
from accounts.throttling import (
    EmailChangeThrottle,
    EmailSendingAddressThrottle,
    PasswordResetEmailThrottle,
    PasswordResetThrottle,
    VerificationResendThrottle,
)
from accounts.views.base import (
    ERRORS,
    REAUTHENTICATION_REQUIRED,
    client_of,
    signed_in,
    validated,
)


class LifecycleActions:
    """Onboarding, email verification and change, password change and reset, deletion, export."""

    @extend_schema(
        summary="Complete onboarding",
        request=None,
        responses={200: UserSerializer, 400: ERRORS[400], 401: ERRORS[401]},
        tags=["lifecycle"],
    )
    @action(detail=False, methods=["post"])
    def complete_onboarding(self, request: Request) -> Response:
        """Move the account from ``Onboarding`` to ``Active``; 400 lists what is missing."""
        user = complete_onboarding(user=signed_in(request))
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Verify email",
        request=VerifyEmailInput,
        responses={200: UserSerializer, 400: ERRORS[400]},
        tags=["lifecycle"],
    )
    @action(
        detail=False, methods=["post"], permission_classes=[AllowAny], authentication_classes=[]
    )
    def verify_email(self, request: Request) -> Response:
        """Confirm the address with the key from the verification email."""
        data = validated(VerifyEmailInput, request)
        user = verify_email(**data, client=client_of(request))
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Resend verification email",
        request=None,
        responses={202: MessageSerializer, 401: ERRORS[401], 429: ERRORS[429]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        throttle_classes=[EmailSendingAddressThrottle, VerificationResendThrottle],
    )
    def resend_verification(self, request: Request) -> Response:
        """Send a new verification link to the account's address (unless verified)."""
        resend_verification(user=signed_in(request))
        return Response(
            {"message": _("A verification link is on its way.")}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        summary="Change password",
        request=ChangePasswordInput,
        responses={200: MessageSerializer, **ERRORS, 401: REAUTHENTICATION_REQUIRED},
        tags=["lifecycle"],
    )
    @action(
        detail=False, methods=["post"], permission_classes=[IsAuthenticated, RecentSecondFactor]
    )
    def change_password(self, request: Request) -> Response:
        """Set a new password; every other session and every bearer token ends."""
        data = validated(ChangePasswordInput, request)
        user = change_password(user=signed_in(request), **data, client=client_of(request))
        if current_session_id(request) is not None:
            # The session that made the change goes on, under a new key.
            update_session_auth_hash(request._request, user)
        return Response({"message": _("Your password was changed.")})

    @extend_schema(
        summary="Request a password reset",
        request=ResetPasswordInput,
        responses={202: MessageSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        throttle_classes=[PasswordResetThrottle, PasswordResetEmailThrottle],
        permission_classes=[AllowAny],
        authentication_classes=[],
    )
    def reset_password(self, request: Request) -> Response:
        """Email a reset link; the answer is the same whether or not the account exists."""
        request_password_reset(**validated(ResetPasswordInput, request))
        return Response(
            {"message": _("If an account uses this address, a reset link is on its way.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Reset the password",
        request=ResetPasswordConfirmInput,
        responses={200: MessageSerializer, 400: ERRORS[400], 503: ERRORS[503]},
        tags=["lifecycle"],
    )
    @action(
        detail=False, methods=["post"], permission_classes=[AllowAny], authentication_classes=[]
    )
    def reset_password_confirm(self, request: Request) -> Response:
        """Set a new password with the emailed uid and token; every session ends."""
        data = validated(ResetPasswordConfirmInput, request)
        confirm_password_reset(**data, client=client_of(request))
        return Response({"message": _("Your password was reset. Sign in with the new one.")})

    @extend_schema(
        summary="Change email",
        request=ChangeEmailInput,
        responses={202: MessageSerializer, **ERRORS, 401: REAUTHENTICATION_REQUIRED},
        tags=["lifecycle"],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[IsAuthenticated, RecentSecondFactor],
        throttle_classes=[EmailSendingAddressThrottle, EmailChangeThrottle],
    )
    def change_email(self, request: Request) -> Response:
        """Send a confirmation link to the new address; nothing changes until it is used."""
        data = validated(ChangeEmailInput, request)
        request_email_change(user=signed_in(request), **data, client=client_of(request))
        return Response(
            {"message": _("A confirmation link was sent to the new address.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Confirm email change",
        request=ConfirmEmailChangeInput,
        responses={200: UserSerializer, 400: ERRORS[400]},
        tags=["lifecycle"],
    )
    @action(
        detail=False, methods=["post"], permission_classes=[AllowAny], authentication_classes=[]
    )
    def confirm_email_change(self, request: Request) -> Response:
        """Move the account to the new address with the key sent there."""
        data = validated(ConfirmEmailChangeInput, request)
        user = confirm_email_change(**data, client=client_of(request))
        return Response(UserSerializer(user).data)

    @extend_schema(
        summary="Delete account",
        request=PasswordInput,
        responses={204: None, **ERRORS, 401: REAUTHENTICATION_REQUIRED},
        tags=["lifecycle"],
    )
    @action(
        detail=False, methods=["post"], permission_classes=[IsAuthenticated, RecentSecondFactor]
    )
    def delete_account(self, request: Request) -> Response:
        """Delete the account and everything held about it."""
        data = validated(PasswordInput, request)
        delete_account(user=signed_in(request), **data, client=client_of(request))
        if current_session_id(request) is not None:
            request._request.session.flush()  # the row went with the account: clear the cookie
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Export my data",
        responses={200: ExportSerializer, 401: REAUTHENTICATION_REQUIRED},
        tags=["lifecycle"],
    )
    @action(
        detail=False, methods=["get"], permission_classes=[IsAuthenticated, RecentlyAuthenticated]
    )
    def export(self, request: Request) -> Response:
        """Everything the service holds about the user, as one JSON document."""
        document = export_user_data(
            user=signed_in(request), current_session_id=current_session_id(request)
        )
        return Response(
            document,
            headers={"Content-Disposition": 'attachment; filename="account-export.json"'},
        )
