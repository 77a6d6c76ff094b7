"""``TokenViewSet``: the bearer tokens of non-browser clients."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import binding_of
from accounts.flows.tokens import create_token, revoke_token
from accounts.models import PendingSignIn
from accounts.selectors import list_tokens
from accounts.serializers import (
    TokenCreatedSerializer,
    TokenCreateInput,
    TokenSerializer,
)
from accounts.views.base import (
    ERRORS,
    CredentialFreeCreateMixin,
    client_of,
    sign_in_input,
    signed_in,
)
from accounts.views.sign_in import token_issued
from core.viewsets import KnownMethodsMixin


class TokenViewSet(KnownMethodsMixin, CredentialFreeCreateMixin, viewsets.ViewSet):
    """Bearer tokens of the authenticated user.

    - ``POST /auth/tokens/``: email + password + name, answered with the secret once. It
      proves identity with the password in its body: it reads no session, sets no
      cookie, and so needs no CSRF token. It is a login: it shares the login's limits.
    - ``GET /auth/tokens/``: the user's live tokens, never their secrets
    - ``DELETE /auth/tokens/{id}/``: revoke one
    """

    lookup_value_regex = "[0-9]+"
    # ``create`` has no throttle: it is a login, and its login limit counts at the
    # sign-in gate (``accounts.backends``) with the failure counts, in one step.

    @extend_schema(
        summary="Create a bearer token",
        request=TokenCreateInput,
        responses={
            201: TokenCreatedSerializer,
            400: ERRORS[400],
            401: OpenApiResponse(
                description='`{"message": "Invalid credentials"}`, or `mfa_required` with an '
                "`mfa_token` for a user with a second factor (as at login)."
            ),
            429: ERRORS[429],
        },
        auth=[],
        tags=["tokens"],
    )
    def create(self, request: Request) -> Response:
        """Check email and password like a login and issue a token; the secret is shown once."""
        data = sign_in_input(TokenCreateInput, request)
        binding = binding_of(request._request, PendingSignIn.Purpose.TOKEN)
        token, secret = create_token(**data, client=client_of(request), binding=binding)
        return token_issued(token, secret)

    @extend_schema(
        summary="List bearer tokens",
        responses={200: TokenSerializer(many=True), 401: ERRORS[401]},
        tags=["tokens"],
    )
    def list(self, request: Request) -> Response:
        """The user's live tokens, newest first."""
        return Response(TokenSerializer(list_tokens(user=signed_in(request)), many=True).data)

    @extend_schema(
        summary="Revoke a bearer token",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={204: None, 401: ERRORS[401], 404: ERRORS[404]},
        tags=["tokens"],
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Revoke one of the user's tokens: its next request is refused."""
        revoke_token(user=signed_in(request), token_id=int(pk), client=client_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
