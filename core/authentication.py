"""Authentication plumbing shared by every authentication class: the user's language."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, cast

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.exceptions import ServiceError
from core.i18n import activate_user_language


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = _("CSRF token missing or incorrect.")
    default_code = "csrf_failed"


if TYPE_CHECKING:
    _AuthenticationBase = BaseAuthentication
else:
    _AuthenticationBase = object  # a mixin: the authentication class comes later


class UserLanguageMixin(_AuthenticationBase):
    """For DRF authentication classes: the recognised user's language becomes active.

    Put it first among the bases of every class in ``DEFAULT_AUTHENTICATION_CLASSES``
    (a test checks they all have it).
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            activate_user_language(request, result[0])
        return result


def activate_language_of_request_user(request: HttpRequest) -> None:
    """Recognise the user of a request answered outside DRF views, for its language.

    Used on refusals only (413, 404, 405, CSRF), where loading the user is worth a
    query. It runs the configured authenticators, whatever they are; a failed
    authentication (a bad token, a missing CSRF token, a database that does not answer)
    leaves the language of ``Accept-Language``.
    """
    # DRF's settings import the dotted paths: the stubs see the strings, code gets classes.
    classes = cast("list[type[BaseAuthentication]]", api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    drf_request = Request(request, authenticators=[auth() for auth in classes])
    with contextlib.suppress(exceptions.APIException, ServiceError, DatabaseError):
        drf_request.user  # noqa: B018 - reading it runs the authenticators
