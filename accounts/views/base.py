"""What every view of the accounts API shares: the signed-in user, the client, the docs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from accounts.models import User
from accounts.security import limits
from core.client import Client

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rest_framework.permissions import _SupportsHasPermission
    from rest_framework.views import APIView
    from rest_framework.viewsets import ViewSetMixin

    class _ViewSetBase(ViewSetMixin, APIView): ...
else:
    _ViewSetBase = object  # a mixin: the viewset it is mixed into comes later


def signed_in(request: Request) -> User:
    """The user of an action behind ``IsAuthenticated``: never anonymous there."""
    return cast("User", request.user)


def client_of(request: Request) -> Client:
    """Where the request comes from, as flows record it."""
    return Client.of(request._request)


ERRORS = {
    400: OpenApiResponse(description="Field errors: `{field: [message]}` and `codes`."),
    401: OpenApiResponse(description="Not authenticated."),
    404: OpenApiResponse(description="No such id among the user's own (404 either way)."),
    429: OpenApiResponse(
        description="Too many requests: `{detail, code}` and a `Retry-After` header in seconds."
    ),
    503: OpenApiResponse(
        description="`service_unavailable`: the change cannot be made durable right now "
        "(the database or the shared cache does not answer); nothing changed. "
        "Retry after `Retry-After` seconds."
    ),
}

#: The 401 of a sensitive action (step-up, ``accounts.permissions.RecentlyAuthenticated``).
REAUTHENTICATION_REQUIRED = OpenApiResponse(
    description="`not_authenticated`; or `reauthentication_required` with `methods` (what "
    "the user can prove themselves with: `password`, `totp`, `recovery_code`, `passkey`): "
    "no proof of identity in the last 5 minutes on this session or token (for a user with "
    "a second factor, none that included it). Renew it at `POST /auth/reauthenticate/`, "
    "then retry."
)


class CredentialFreeCreateMixin(_ViewSetBase):
    """A ``create`` that proves identity in its body (or needs none): no session, no CSRF.

    DRF picks authenticators, permissions and throttles before it sets ``self.action``,
    so the action is read from the method here. ``create_throttles`` replace the
    view's throttles for ``create``.
    """

    create_throttles: ClassVar[Sequence[type[BaseThrottle]]] = ()

    def is_create(self) -> bool:
        request = cast("Request | None", getattr(self, "request", None))
        if request is None:  # schema generation
            return self.action == "create"
        method = cast("str", request.method)  # always set on a request being handled
        return self.action_map.get(method.lower()) == "create"

    def get_authenticators(self) -> list[BaseAuthentication]:
        return [] if self.is_create() else super().get_authenticators()

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        return [AllowAny()] if self.is_create() else super().get_permissions()

    def get_throttles(self) -> list[BaseThrottle]:
        if self.is_create():
            return [throttle() for throttle in self.create_throttles]
        return super().get_throttles()


def validated(serializer_class: Any, request: Request) -> dict[str, Any]:
    """Validate the body with ``serializer_class``; 400 with field errors otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def sign_in_input(serializer_class: Any, request: Request) -> dict[str, Any]:
    """Validate a password sign-in's body, counting a refused one as a login request.

    A valid body is counted at the sign-in gate (``accounts.backends``), in the same
    step as the attempt's failure counts. A body the validation refuses (unreadable,
    a field missing) never gets there: it counts here, so every request counts toward
    the address's ``login`` limit, as when a throttle counted it ahead of the view.
    """
    try:
        return validated(serializer_class, request)
    except APIException:
        limits.check("login", limits.by_address(request._request))
        raise
