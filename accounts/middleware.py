"""Middleware of the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest

from core.client import client_ip, user_agent

if TYPE_CHECKING:
    from accounts.security.sessions.engine import SessionStore


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, telling the store where the request comes from."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        # SESSION_ENGINE is ``accounts.security.sessions.engine``; the stubs know SessionBase.
        session = cast("SessionStore", request.session)
        session.client_ip = client_ip(request)
        session.user_agent = user_agent(request)
