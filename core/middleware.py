"""Request plumbing that has to act before any view reads the body."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from core.authentication import activate_language_of_request_user
from core.errors import bad_request, json_error
from core.exceptions import PayloadTooLarge

# Django's own logger for this refusal, so a deployment that routes or silences it keeps working.
host_logger = logging.getLogger("django.security.DisallowedHost")


class AllowedHostMiddleware:
    """Answer a request for a host not in ``ALLOWED_HOSTS`` with a 400 and one warning line.

    Left to Django, the first middleware that reads the host raises ``DisallowedHost``
    and it is logged at ERROR with a whole traceback: noise for what is a scanner or a
    misrouted request, not a fault of the service. First in ``MIDDLEWARE``, so nothing
    else (the HTTPS redirect included) reads the host before it is checked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.get_host()
        except DisallowedHost as exc:
            # The message quotes the host with repr(), so a client cannot add lines.
            host_logger.warning("%s", exc)
            with translation.override(translation.get_language_from_request(request)):
                return bad_request(request)
        return self.get_response(request)


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


class ContentSecurityPolicyMiddleware:
    """Give every HTML page (the admin, the API docs, the account pages) the policy.

    The policy is static: the admin and the account pages have no inline script, and
    the API docs load their initialisation script from a URL
    (``SpectacularSwaggerSplitView``), so neither a nonce nor a hash is needed. JSON
    answers are not documents a browser renders, so they go without it; ``nosniff``
    keeps browsers from treating them as HTML.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
