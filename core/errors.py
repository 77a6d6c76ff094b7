"""Every error the service answers is rendered here, as JSON with stable codes.

Field errors keep Django REST framework's layout, ``{"field": ["message"]}``, with the
codes beside them under ``codes`` in the same layout; every other error is
``{"detail": "message", "code": "code"}``. A few errors inherited from the seed API use
``message`` in place of ``detail`` (see ``ServiceError.message_key``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import CsrfFailed, PayloadTooLarge, ServerError, Throttled
from core.language import activate_language_of_request_user


def _codes_layout(codes: Any) -> Any:
    """Return the codes in the layout of the messages, with field errors as lists."""
    if isinstance(codes, dict):
        return {key: _codes_layout(value) for key, value in codes.items()}
    if isinstance(codes, list):
        return [_codes_layout(value) for value in codes]
    return codes


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """Render ``exc`` as the JSON body that clients read."""
    if isinstance(exc, exceptions.ValidationError):
        messages, codes = exc.detail, exc.get_codes()
        if not isinstance(messages, dict):
            messages = {api_settings.NON_FIELD_ERRORS_KEY: messages}
            codes = {api_settings.NON_FIELD_ERRORS_KEY: codes}
        return {**messages, "codes": _codes_layout(codes)}
    key = getattr(exc, "message_key", "detail")
    return {key: str(exc.detail), "code": exc.get_codes()}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler with Django's exceptions mapped and the service's body shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif type(exc) is exceptions.Throttled:
        exc = Throttled(wait=exc.wait)  # type: ignore[attr-defined]  # the stubs omit ``wait``
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


def json_error(exc: exceptions.APIException) -> JsonResponse:
    """A plain Django response for errors raised outside DRF's views."""
    response = JsonResponse(error_body(exc), status=exc.status_code)
    wait = getattr(exc, "wait", None)
    if wait:
        response["Retry-After"] = str(int(wait))
    return response


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer every URL that no route claims, in the language of its user."""
    activate_language_of_request_user(request)
    return json_error(exceptions.NotFound())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    activate_language_of_request_user(request)
    return json_error(exceptions.NotFound())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A request Django finds suspicious (a disallowed host, say) is not worth a query:
    # it is answered in the language of ``Accept-Language``.
    return json_error(exceptions.ParseError(_("Bad request.")))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    activate_language_of_request_user(request)
    return json_error(exceptions.PermissionDenied())


def server_error(request: HttpRequest) -> HttpResponse:
    # The language already active (the user's, once a view knew them) is kept: looking
    # the user up again could fail the same way the request did.
    return json_error(ServerError())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer Django's own CSRF refusals (outside DRF views) in the API's shape."""
    activate_language_of_request_user(request)
    return json_error(CsrfFailed())
