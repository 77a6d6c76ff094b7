"""Every error the service answers is rendered here, as JSON with stable codes.

Field errors keep Django REST framework's layout, ``{"field": ["message"]}``, with the
codes beside them under ``codes`` in the same layout; every other error is
``{"detail": "message", "code": "code"}``. A few errors inherited from the seed API use
``message`` in place of ``detail`` (``ServiceError.message_key``).

The service's own refusals (``core.exceptions.ServiceError``) come from flows that know
nothing of HTTP; Django REST framework's exceptions come from the HTTP layer (input
validation, authentication, permissions). Both are rendered by :func:`render`.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.authentication import CsrfFailed, activate_language_of_request_user
from core.exceptions import (
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    ServiceError,
    ServiceUnavailable,
    describe,
)

logger = logging.getLogger(__name__)


def _codes_layout(codes: Any) -> Any:
    """Return the codes in the layout of the messages, with field errors as lists."""
    if isinstance(codes, dict):
        return {key: _codes_layout(value) for key, value in codes.items()}
    if isinstance(codes, list):
        return [_codes_layout(value) for value in codes]
    return codes


def error_body(exc: exceptions.APIException | ServiceError) -> dict[str, Any]:
    """Render ``exc`` as the JSON body that clients read."""
    if isinstance(exc, ServiceError):
        return describe(exc)
    if isinstance(exc, exceptions.ValidationError):
        messages, codes = exc.detail, exc.get_codes()
        if not isinstance(messages, dict):
            messages = {api_settings.NON_FIELD_ERRORS_KEY: messages}
            codes = {api_settings.NON_FIELD_ERRORS_KEY: codes}
        return {**messages, "codes": _codes_layout(codes)}
    return {"detail": str(exc.detail), "code": exc.get_codes()}


def as_service_error(exc: BaseException) -> ServiceError | None:
    """The service's meaning of an exception raised by Django or a dependency, if any.

    A database or cache that does not answer is an outage, not a bug: 503 with
    ``Retry-After``, logged as one line. Integrity errors are not outages (a flow that
    can race a constraint turns them into its own error).
    """
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, Http404):
        return NotFound()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, exceptions.Throttled):
        return RateLimited(getattr(exc, "wait", None))  # the stubs omit ``wait``
    if isinstance(exc, DatabaseError) and not isinstance(exc, IntegrityError):
        logger.warning("database unavailable: %s", " ".join(str(exc).split()))
        return ServiceUnavailable()
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with the service's errors, Django's exceptions and outages mapped."""
    error = as_service_error(exc)
    if error is not None:
        set_rollback()
        answer = Response(error_body(error), status=error.status_code)
        if error.retry_after:
            answer["Retry-After"] = str(error.retry_after)
        return answer
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


def json_error(exc: exceptions.APIException | ServiceError) -> JsonResponse:
    """A plain Django response for errors raised outside DRF's views."""
    status = exc.status_code
    response = JsonResponse(error_body(exc), status=status)
    wait = exc.retry_after if isinstance(exc, ServiceError) else getattr(exc, "wait", None)
    if wait:
        response["Retry-After"] = str(int(wait))
    return response


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer every URL that no route claims, in the language of its user."""
    activate_language_of_request_user(request)
    return json_error(NotFound())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    activate_language_of_request_user(request)
    return json_error(NotFound())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A request Django finds suspicious (a disallowed host, say) is not worth a query:
    # it is answered in the language of ``Accept-Language``.
    return json_error(exceptions.ParseError(_("Bad request.")))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    activate_language_of_request_user(request)
    return json_error(exceptions.PermissionDenied())


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort: an outage is a 503, anything else a 500 without a trace.

    The language already active (the user's, once a view knew them) is kept: looking
    the user up again could fail the same way the request did.
    """
    error = as_service_error(sys.exc_info()[1] or Exception())
    return json_error(error if error is not None else ServerError())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer Django's own CSRF refusals (outside DRF views) in the API's shape."""
    activate_language_of_request_user(request)
    return json_error(CsrfFailed())
