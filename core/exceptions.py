"""Exceptions of the HTTP layer that any app may raise; ``core.errors`` renders them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
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
