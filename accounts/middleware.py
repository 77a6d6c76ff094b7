"""Middleware of the accounts app."""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest

from core.client import client_ip, user_agent


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, telling the store where the request comes from."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.session.client_ip = client_ip(request)  # type: ignore[attr-defined]
        request.session.user_agent = user_agent(request)  # type: ignore[attr-defined]
