"""The conditions that account flows refuse, each with its status, message and code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from core.exceptions import ServiceError


class InvalidCredentials(ServiceError):
    """Unknown email, wrong password or inactive account: one answer for all three."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Invalid credentials")
    default_code = "invalid_credentials"
    message_key = "message"


class CrossSiteRequest(exceptions.PermissionDenied):
    default_detail = _("Cross-site requests cannot do this.")
    default_code = "cross_site_request"


class EmailTaken(exceptions.ValidationError):
    def __init__(self) -> None:
        super().__init__(
            {"email": [_("A user with that email already exists.")]}, code="email_taken"
        )
