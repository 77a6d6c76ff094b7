"""Behaviour shared by the service's viewsets."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request

from core.authentication import activate_language_of_request_user


class KnownMethodsMixin:
    """Answer 405 to a method that the route does not serve, before asking who calls.

    DRF authenticates and checks permissions first, so an anonymous ``PUT /auth/login/``
    would otherwise get 401, as if the method existed. DRF also answers ``HEAD`` wherever
    ``GET`` is served; ``actions_without_head`` lists the actions whose ``GET`` changes
    state, where a ``HEAD`` (a link checker, a prefetcher) must not run them.
    """

    action_map: dict[str, str]
    actions_without_head: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        method = (request.method or "").lower()
        known = method == "options" or method in self.action_map
        if not known or (method == "head" and self.action_map[method] in self.actions_without_head):
            # Answered before authentication: recognise the caller for the language only.
            activate_language_of_request_user(request._request)
            raise MethodNotAllowed(method.upper())
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
