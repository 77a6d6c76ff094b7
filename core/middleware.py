"""Request plumbing that has to act before any view reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.errors import json_error
from core.exceptions import PayloadTooLarge
from core.language import activate_language_of_request_user


class RequestBodyLimitMiddleware:
    """Refuse bodies over ``REQUEST_BODY_MAX_BYTES`` with 413 before anything reads them.

    DRF's parsers read the stream directly, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE,
    so the limit is checked here against the declared length; a body without a length
    is not read by Django's WSGI handler at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.REQUEST_BODY_MAX_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            activate_language_of_request_user(request)
            return json_error(PayloadTooLarge())
        return self.get_response(request)
