"""``SessionViewSet`` and ``SecurityEventViewSet``: what a user sees of their own security."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import current_session_id
from accounts.flows.sessions import revoke_session
from accounts.models import SecurityEvent
from accounts.selectors import list_security_events, list_sessions
from accounts.serializers import SecurityEventSerializer, SessionSerializer
from accounts.views.base import ERRORS, client_of, signed_in
from core.viewsets import KnownMethodsMixin


class SessionViewSet(KnownMethodsMixin, viewsets.ViewSet):
    """Signed-in browsers of the authenticated user.

    - ``GET /auth/sessions/``: the live sessions, the request's own marked ``current``
    - ``DELETE /auth/sessions/{id}/``: end one, at once on every server
    """

    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="List sessions",
        responses={200: SessionSerializer(many=True), 401: ERRORS[401]},
        tags=["sessions"],
    )
    def list(self, request: Request) -> Response:
        """The user's live sessions, most recently used first."""
        sessions = list_sessions(
            user=signed_in(request), current_session_id=current_session_id(request)
        )
        return Response(SessionSerializer(sessions, many=True).data)

    @extend_schema(
        summary="End a session",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={204: None, 401: ERRORS[401], 404: ERRORS[404], 503: ERRORS[503]},
        tags=["sessions"],
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """End one of the user's sessions; ending the current one logs it out."""
        session_id = int(pk)
        revoke_session(user=signed_in(request), session_id=session_id, client=client_of(request))
        if session_id == current_session_id(request):
            request._request.session.flush()  # its row is gone: clear the cookie too
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
        return list_security_events(user=signed_in(self.request))

    @extend_schema(summary="List security events", tags=["events"])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The user's security events, newest first."""
        return super().list(request, *args, **kwargs)
