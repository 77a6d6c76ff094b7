"""Views for handling user authentication and profile management.

``AuthViewSet`` keeps the seed's routes: registration at ``POST /auth/`` and one
action per verb below it. Each action validates its input, calls one flow and
renders the public user shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from accounts.authentication import SessionAuthentication
from accounts.flows.account_deletion import delete_account
from accounts.flows.data_export import export_user_data
from accounts.flows.email_change import confirm_email_change, request_email_change
from accounts.flows.email_verification import resend_verification, verify_email
from accounts.flows.login import log_in_with_password, log_out
from accounts.flows.onboarding import complete_onboarding
from accounts.flows.password_change import change_password
from accounts.flows.password_reset import confirm_password_reset, request_password_reset
from accounts.flows.sessions import revoke_session
from accounts.flows.tokens import create_token, revoke_token
from accounts.models import AuthToken, SecurityEvent, User
from accounts.permissions import CsrfTokenRequired, NotCrossSite
from accounts.selectors import list_security_events, list_sessions, list_tokens
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
    SecurityEventSerializer,
    SessionSerializer,
    TokenCreatedSerializer,
    TokenCreateInput,
    TokenSerializer,
    UserSerializer,
    UserUpdateSerializer,
    VerifyEmailInput,
)
from accounts.throttling import (
    EmailChangeThrottle,
    EmailSendingAddressThrottle,
    LoginRequestThrottle,
    PasswordResetEmailThrottle,
    PasswordResetThrottle,
    RegistrationThrottle,
    VerificationResendThrottle,
)
from core.language import activate_user_language
from core.viewsets import KnownMethodsMixin

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rest_framework.permissions import _SupportsHasPermission


def _signed_in(request: Request) -> User:
    # For actions behind ``IsAuthenticated`` only: their user is never anonymous.
    return cast("User", request.user)


_errors = {
    400: OpenApiResponse(description="Field errors: `{field: [message]}` and `codes`."),
    401: OpenApiResponse(description="Not authenticated."),
    429: OpenApiResponse(
        description="Too many requests: `{detail, code}` and a `Retry-After` header in seconds."
    ),
}


class AuthViewSet(KnownMethodsMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[User]):
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
    # GET /auth/logout/ (kept from the seed) ends the session: HEAD must not.
    actions_without_head = frozenset({"logout"})

    def _is_registration(self) -> bool:
        # DRF picks the authenticators before it sets ``self.action``.
        if self.request is None:  # schema generation
            return self.action == "create"
        method = cast("str", self.request.method)  # always set on a request being handled
        return self.action_map.get(method.lower()) == "create"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Registration starts no session and touches none, so it needs no credentials
        # and no CSRF token from any client.
        return [] if self._is_registration() else super().get_authenticators()

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        return [AllowAny()] if self._is_registration() else super().get_permissions()

    def validated_input(self, request: Request) -> dict[str, Any]:
        """Validate the body with the action's input serializer (its ``serializer_class``)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

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
        credentials = self.validated_input(request)
        user = log_in_with_password(request=request._request, **credentials)
        # The user is known from here on: the answer speaks their language.
        activate_user_language(request, user)
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
        """End the current session, or revoke the bearer token the request carries."""
        token = request.auth if isinstance(request.auth, AuthToken) else None
        log_out(request=request._request, user=_signed_in(request), token=token)
        return Response({"message": _("Successfully logged out")})

    @extend_schema(
        summary="Current user", responses={200: UserSerializer, 401: _errors[401]}, tags=["auth"]
    )
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        """Return the profile of the authenticated user."""
        return Response(UserSerializer(_signed_in(request)).data)

    @extend_schema(
        summary="Update profile",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **_errors},
        tags=["auth"],
    )
    @action(detail=False, methods=["patch"], serializer_class=UserUpdateSerializer)
    def update_profile(self, request: Request) -> Response:
        """Change any of first_name, last_name, currency and language."""
        changes = UserUpdateSerializer(_signed_in(request), data=request.data, partial=True)
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
        user = complete_onboarding(user=_signed_in(request))
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
        data = self.validated_input(request)
        user = verify_email(request=request._request, **data)
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
        throttle_classes=[EmailSendingAddressThrottle, VerificationResendThrottle],
    )
    def resend_verification(self, request: Request) -> Response:
        """Send a new verification link to the account's address (unless verified)."""
        resend_verification(user=_signed_in(request))
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
        data = self.validated_input(request)
        change_password(request=request._request, user=_signed_in(request), **data)
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
        throttle_classes=[PasswordResetThrottle, PasswordResetEmailThrottle],
    )
    def reset_password(self, request: Request) -> Response:
        """Email a reset link; the answer is the same whether or not the account exists."""
        data = self.validated_input(request)
        request_password_reset(**data)
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
        data = self.validated_input(request)
        confirm_password_reset(request=request._request, **data)
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
        throttle_classes=[EmailSendingAddressThrottle, EmailChangeThrottle],
    )
    def change_email(self, request: Request) -> Response:
        """Send a confirmation link to the new address; nothing changes until it is used."""
        data = self.validated_input(request)
        request_email_change(user=_signed_in(request), **data)
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
        data = self.validated_input(request)
        user = confirm_email_change(request=request._request, **data)
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
        data = self.validated_input(request)
        delete_account(request=request._request, user=_signed_in(request), **data)
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
            user=_signed_in(request), current_session_key=request.session.session_key
        )
        return Response(
            document,
            headers={"Content-Disposition": 'attachment; filename="account-export.json"'},
        )


def _authenticated_by_session(request: Request) -> bool:
    return isinstance(request.successful_authenticator, SessionAuthentication)


_not_found = OpenApiResponse(description="No such id among the user's own (404 either way).")


class TokenViewSet(KnownMethodsMixin, viewsets.ViewSet):
    """Bearer tokens of the authenticated user.

    - ``POST /auth/tokens/``: email + password + name, answered with the secret once
    - ``GET /auth/tokens/``: the user's live tokens, never their secrets
    - ``DELETE /auth/tokens/{id}/``: revoke one
    """

    lookup_value_regex = "[0-9]+"

    def _is_creation(self) -> bool:
        # DRF picks the authenticators before it sets ``self.action``.
        if self.request is None:  # schema generation
            return self.action == "create"
        method = cast("str", self.request.method)  # always set on a request being handled
        return self.action_map.get(method.lower()) == "create"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Token creation proves identity with the password in its body: it reads no
        # session, sets no cookie, and so needs no CSRF token.
        return [] if self._is_creation() else super().get_authenticators()

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        return [AllowAny()] if self._is_creation() else super().get_permissions()

    def get_throttles(self) -> list[BaseThrottle]:
        # Token creation is a login: it shares the login's per-address request limit.
        return [LoginRequestThrottle()] if self._is_creation() else super().get_throttles()

    @extend_schema(
        summary="Create a bearer token",
        request=TokenCreateInput,
        responses={
            201: TokenCreatedSerializer,
            400: _errors[400],
            401: OpenApiResponse(description='`{"message": "Invalid credentials"}`'),
        },
        auth=[],
        tags=["tokens"],
    )
    def create(self, request: Request) -> Response:
        """Check email and password like a login and issue a token; the secret is shown once."""
        data = TokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = create_token(request=request._request, **data.validated_data)
        body = {
            "id": token.pk,
            "name": token.name,
            "token": secret,
            "created": token.created,
            "expires": token.expires,
        }
        return Response(TokenCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List bearer tokens",
        responses={200: TokenSerializer(many=True), 401: _errors[401]},
        tags=["tokens"],
    )
    def list(self, request: Request) -> Response:
        """The user's live tokens, newest first."""
        return Response(TokenSerializer(list_tokens(user=_signed_in(request)), many=True).data)

    @extend_schema(
        summary="Revoke a bearer token",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={204: None, 401: _errors[401], 404: _not_found},
        tags=["tokens"],
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Revoke one of the user's tokens: its next request is refused."""
        revoke_token(request=request._request, user=_signed_in(request), token_id=int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionViewSet(KnownMethodsMixin, viewsets.ViewSet):
    """Signed-in browsers of the authenticated user.

    - ``GET /auth/sessions/``: the live sessions, the request's own marked ``current``
    - ``DELETE /auth/sessions/{id}/``: end one, at once on every worker
    """

    lookup_value_regex = "[0-9]+"

    def _current_session_id(self, request: Request) -> int | None:
        if not _authenticated_by_session(request):
            return None
        record = getattr(request._request.session, "record", None)
        return record.id if record is not None else None

    @extend_schema(
        summary="List sessions",
        responses={200: SessionSerializer(many=True), 401: _errors[401]},
        tags=["sessions"],
    )
    def list(self, request: Request) -> Response:
        """The user's live sessions, most recently used first."""
        sessions = list_sessions(
            user=_signed_in(request), current_session_id=self._current_session_id(request)
        )
        return Response(SessionSerializer(sessions, many=True).data)

    @extend_schema(
        summary="End a session",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={204: None, 401: _errors[401], 404: _not_found},
        tags=["sessions"],
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """End one of the user's sessions; ending the current one logs it out."""
        revoke_session(
            request=request._request,
            user=_signed_in(request),
            session_id=int(pk),
            current_session_id=self._current_session_id(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SecurityEventPagination(PageNumberPagination):
    page_size = 20


class SecurityEventViewSet(
    KnownMethodsMixin, mixins.ListModelMixin, viewsets.GenericViewSet[SecurityEvent]
):
    """``GET /auth/events/``: the user's security events, newest first, 20 a page."""

    serializer_class = SecurityEventSerializer
    pagination_class = SecurityEventPagination

    def get_queryset(self) -> QuerySet[SecurityEvent]:
        if getattr(self, "swagger_fake_view", False):
            return SecurityEvent.objects.none()
        return list_security_events(user=_signed_in(self.request))

    @extend_schema(summary="List security events", tags=["events"])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The user's security events, newest first."""
        return super().list(request, *args, **kwargs)
