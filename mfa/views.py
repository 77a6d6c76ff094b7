"""The second-factor endpoints: the user's authenticator app, recovery codes and passkeys.

Each action validates its input, calls one flow (``mfa.flows``) or selector and renders
the result. Every change of factors but confirming a pending app and renaming a
passkey is a sensitive action (step-up: ``accounts.permissions.RecentlyAuthenticated``).
Signing in with a factor lives in ``accounts`` (``/auth/mfa/authenticate/``,
``/auth/passkeys/login/``), which asks this app through its hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import RecentlyAuthenticated
from accounts.views.base import REAUTHENTICATION_REQUIRED, client_of, signed_in, validated
from core.exceptions import NotFound
from core.viewsets import KnownMethodsMixin
from mfa import flows, passkeys, selectors
from mfa.serializers import (
    MfaSummarySerializer,
    PasskeyCreatedSerializer,
    PasskeyCreateInput,
    PasskeyRenameInput,
    PasskeySerializer,
    RecoveryCodesSerializer,
    TotpConfirmedSerializer,
    TotpConfirmInput,
    TotpSetupSerializer,
)

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission

STEP_UP = [IsAuthenticated, RecentlyAuthenticated]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(description=description)


NOT_AUTHENTICATED = _error("`not_authenticated`: no valid session or bearer token.")
STEP_UP_401 = REAUTHENTICATION_REQUIRED
FIELD_ERRORS = "Field errors: `{field: [message]}` and `codes`"
NOT_YOURS = _error("`not_found`: no passkey with this id among the user's own (404 either way).")


#: The largest id a ``bigint`` column holds; a longer number is no passkey's id.
MAX_ID = 2**63 - 1


def _passkey_id(pk: str) -> int:
    """The id in the path (digits only, by the route), or 404 past what the database holds."""
    value = int(pk)
    if value > MAX_ID:
        raise NotFound
    return value


class MfaViewSet(KnownMethodsMixin, viewsets.ViewSet):
    """The user's second factors.

    - ``GET /auth/mfa/``: what the user has
    - ``POST /auth/mfa/totp/``: start adding an authenticator app (step-up)
    - ``POST /auth/mfa/totp/confirm/``: turn it on with a code
    - ``DELETE /auth/mfa/totp/``: turn it off (step-up)
    - ``POST /auth/mfa/recovery_codes/``: a new set of recovery codes (step-up)
    """

    @extend_schema(
        summary="Second factors",
        responses={200: MfaSummarySerializer, 401: NOT_AUTHENTICATED},
        tags=["mfa"],
    )
    def list(self, request: Request) -> Response:
        """The authenticator app, the recovery codes left and the passkeys of the user."""
        return Response(selectors.factor_summary(signed_in(request)))

    @extend_schema(
        summary="Start adding an authenticator app",
        request=None,
        responses={
            200: TotpSetupSerializer,
            401: STEP_UP_401,
            409: _error("`totp_already_enabled`: turn the current app off first."),
        },
        tags=["mfa"],
    )
    @action(detail=False, methods=["post"], url_path="totp", permission_classes=STEP_UP)
    def totp(self, request: Request) -> Response:
        """A new secret, its ``otpauth://`` URI and QR code: confirm within 10 minutes.

        A setup started before (here or elsewhere) is replaced. The secret is shown now
        only; the service keeps it encrypted.
        """
        setup = flows.start_totp_setup(user=signed_in(request))
        return Response(
            {"secret": setup.secret, "otpauth_uri": setup.otpauth_uri, "qr_svg": setup.qr_svg}
        )

    @extend_schema(
        summary="Turn the authenticator app off",
        request=None,
        responses={
            204: None,
            401: STEP_UP_401,
            404: _error("`totp_not_enabled`: no authenticator app is on."),
        },
        tags=["mfa"],
    )
    @totp.mapping.delete
    def disable_totp(self, request: Request) -> Response:
        """Remove the app; if no passkey is left either, the recovery codes go too."""
        flows.disable_totp(user=signed_in(request), client=client_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Confirm the authenticator app",
        request=TotpConfirmInput,
        responses={
            200: TotpConfirmedSerializer,
            400: _error(
                f"{FIELD_ERRORS}: `invalid_code` on `code` (the setup stays pending), "
                "`totp_setup_expired` (nothing pending, or older than 10 minutes)."
            ),
            401: NOT_AUTHENTICATED,
        },
        tags=["mfa"],
    )
    @action(detail=False, methods=["post"], url_path="totp/confirm")
    def confirm_totp(self, request: Request) -> Response:
        """Turn the pending app on with a code it shows.

        Answers ``{"recovery_codes": [...]}`` when the app is the user's first second
        factor (shown this once), else ``{}``.
        """
        data = validated(TotpConfirmInput, request)
        codes = flows.confirm_totp(
            user=signed_in(request), code=data["code"], client=client_of(request)
        )
        return Response({} if codes is None else {"recovery_codes": codes})

    @extend_schema(
        summary="New recovery codes",
        request=None,
        responses={
            200: RecoveryCodesSerializer,
            401: STEP_UP_401,
            409: _error("`second_factor_needed`: no authenticator app or passkey to back up."),
        },
        tags=["mfa"],
    )
    @action(detail=False, methods=["post"], url_path="recovery_codes", permission_classes=STEP_UP)
    def recovery_codes(self, request: Request) -> Response:
        """Ten new codes, shown once; every code of the previous set stops working."""
        codes = flows.regenerate_recovery_codes(user=signed_in(request), client=client_of(request))
        return Response({"recovery_codes": codes})


class PasskeyViewSet(KnownMethodsMixin, viewsets.ViewSet):
    """The user's passkeys.

    - ``POST /auth/passkeys/options/``: creation options (step-up)
    - ``POST /auth/passkeys/``: register the new credential
    - ``GET /auth/passkeys/``: the list
    - ``PATCH /auth/passkeys/{id}/``: rename
    - ``DELETE /auth/passkeys/{id}/``: remove (step-up)
    """

    lookup_value_regex = "[0-9]+"

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.action == "destroy":
            return [permission() for permission in STEP_UP]
        return super().get_permissions()

    @extend_schema(
        summary="Passkey creation options",
        request=None,
        responses={
            200: OpenApiResponse(
                description="WebAuthn `PublicKeyCredentialCreationOptions` as JSON (binary "
                "fields base64url), for `navigator.credentials.create()`; the challenge "
                "is valid 5 minutes."
            ),
            401: STEP_UP_401,
        },
        tags=["passkeys"],
    )
    @action(detail=False, methods=["post"], url_path="options", permission_classes=STEP_UP)
    def creation_options(self, request: Request) -> Response:
        """Options to create a passkey; the user's existing ones are excluded."""
        return Response(passkeys.registration_options(user=signed_in(request)))

    @extend_schema(
        summary="Add a passkey",
        request=PasskeyCreateInput,
        responses={
            201: PasskeyCreatedSerializer,
            400: _error(
                f"{FIELD_ERRORS}: on `credential`, `invalid_credential` (malformed, not "
                "verified, replayed, from an origin that is not the service's, or "
                "registered already) or `challenge_expired` (options older than 5 "
                "minutes); on `name`, `blank`, `max_length` or `control_characters`."
            ),
            401: NOT_AUTHENTICATED,
        },
        tags=["passkeys"],
    )
    def create(self, request: Request) -> Response:
        """Verify the credential made from the options and keep it.

        When it is the user's first second factor, the answer also carries ten
        ``recovery_codes``, shown this once.
        """
        data = validated(PasskeyCreateInput, request)
        added = flows.add_passkey(user=signed_in(request), **data, client=client_of(request))
        body: dict[str, Any] = selectors.passkey_metadata(added.passkey)
        if added.recovery_codes is not None:
            body["recovery_codes"] = added.recovery_codes
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List passkeys",
        responses={200: PasskeySerializer(many=True), 401: NOT_AUTHENTICATED},
        tags=["passkeys"],
    )
    def list(self, request: Request) -> Response:
        """The user's passkeys, oldest first."""
        return Response(selectors.list_passkeys(signed_in(request)))

    @extend_schema(
        summary="Rename a passkey",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=PasskeyRenameInput,
        responses={
            200: PasskeySerializer,
            400: _error(f"{FIELD_ERRORS} on `name`."),
            401: NOT_AUTHENTICATED,
            404: NOT_YOURS,
        },
        tags=["passkeys"],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Give one of the user's passkeys a new name."""
        data = validated(PasskeyRenameInput, request)
        passkey = flows.rename_passkey(user=signed_in(request), passkey_id=_passkey_id(pk), **data)
        return Response(selectors.passkey_metadata(passkey))

    @extend_schema(
        summary="Remove a passkey",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={204: None, 401: STEP_UP_401, 404: NOT_YOURS},
        tags=["passkeys"],
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Remove one of the user's passkeys; if it was the last factor, the codes go too."""
        flows.remove_passkey(
            user=signed_in(request), passkey_id=_passkey_id(pk), client=client_of(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
