"""Re-authentication actions of ``AuthViewSet``: renewing the proof that step-up asks for."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.flows.reauthentication import reauthenticate
from accounts.models import AuthToken
from accounts.security import second_factors, step_up
from accounts.serializers import ReauthenticateInput
from accounts.views.base import ERRORS, client_of, signed_in, validated


class StepUpActions:
    """``POST /auth/reauthenticate/`` and its passkey options."""

    @extend_schema(
        summary="Re-authenticate",
        request=ReauthenticateInput,
        responses={
            200: OpenApiResponse(description="`{}`: sensitive actions are open for 5 minutes."),
            400: OpenApiResponse(
                description="Field errors (`{field: [message]}` and `codes`): `required` on "
                "`password` (neither a password nor a passkey), `wrong_password` on "
                "`password`, `mfa_required` on `code` (a user with a second factor gave "
                "none), `invalid_code` on `code` or `recovery_code`, `invalid_credential` "
                "or `challenge_expired` on `credential`."
            ),
            401: ERRORS[401],
            429: OpenApiResponse(
                description="`reauthentication_locked`: 5 failed re-checks of this account "
                "(passwords or codes, here or at change_password, change_email, "
                "delete_account) in 5 minutes; `Retry-After` gives the seconds to wait."
            ),
        },
        tags=["mfa"],
    )
    @action(detail=False, methods=["post"])
    def reauthenticate(self, request: Request) -> Response:
        """Prove again who you are: sensitive actions open for 5 minutes.

        The password (and a code, for a user with a second factor) or a passkey; the
        proof holds on this session or token.
        """
        data = validated(ReauthenticateInput, request)
        proof = reauthenticate(user=signed_in(request), client=client_of(request), **data)
        token = request.auth if isinstance(request.auth, AuthToken) else None
        session = None if token is not None else request._request.session
        step_up.remember(proof, session=session, token=token)
        return Response({})

    @extend_schema(
        summary="Passkey options to re-authenticate",
        request=None,
        responses={
            200: OpenApiResponse(
                description="WebAuthn request options (binary fields base64url) listing the "
                "user's passkeys; the challenge is valid 5 minutes."
            ),
            401: ERRORS[401],
        },
        tags=["mfa"],
    )
    @action(detail=False, methods=["post"], url_path="reauthenticate/options")
    def reauthenticate_options(self, request: Request) -> Response:
        """WebAuthn request options listing the user's passkeys."""
        provider = second_factors.provider()
        if provider is None:
            return Response({})
        return Response(provider.passkey_options(purpose="reauthenticate", user=signed_in(request)))
