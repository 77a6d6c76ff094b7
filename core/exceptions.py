"""Exceptions of the HTTP layer that any app may raise; ``core.errors`` renders them."""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status


class ServiceError(exceptions.APIException):
    """Base of the service's own errors: a status, a translatable message and a code.

    Subclasses set ``status_code``, ``default_detail`` and ``default_code``; the
    handler renders them, so flows raise meaning and never build responses.
    """

    message_key = "detail"


class PayloadTooLarge(ServiceError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = _("CSRF token missing or incorrect.")
    default_code = "csrf_failed"


class ServerError(ServiceError):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = _("Server error.")
    default_code = "server_error"


class Throttled(exceptions.Throttled):
    """DRF's 429 with a wait that reads correctly in every language.

    DRF formats the number into its message before looking the message up, so the
    catalog never matches, and it knows only English's two plural forms; Arabic has six.
    """

    default_detail = _("Too many requests. Try again later.")

    def __init__(self, wait: float | None = None) -> None:
        if wait is None:
            super().__init__(detail=str(self.default_detail))
            return
        seconds = math.ceil(wait)
        detail = ngettext(
            "Too many requests. Try again in %(wait)d second.",
            "Too many requests. Try again in %(wait)d seconds.",
            seconds,
        ) % {"wait": seconds}
        super().__init__(detail=detail)
        self.wait = seconds
