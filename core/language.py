"""Which language a response speaks: the user's stored one, else the request's.

Django's ``LocaleMiddleware`` activates the language of ``Accept-Language`` for every
request (English when the header names nothing supported). Who the user is becomes
known only inside a DRF view, when its authenticators run; each of them calls
``activate_user_language`` the moment it recognises a user, before anything that can
raise (the CSRF check included), so every message built after that (field errors,
permission, throttling, 405, 415) is in the user's language. Errors refused before
authentication (401) keep the request's language.

Answers given outside DRF views (the 413 body limit, unknown URLs, Django's CSRF
refusal) call ``activate_language_of_request_user``, which runs the same
authenticators once.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings


def supported_languages() -> list[str]:
    """Return the codes of ``settings.LANGUAGES``, the one list of interface languages."""
    return [code for code, _name in settings.LANGUAGES]


def activate_user_language(request: HttpRequest | Request, user: Any) -> None:
    """Speak ``user``'s stored language for the rest of this request.

    It reads only the already loaded user, so it costs no query. A user whose stored
    language is no longer supported keeps the request's language.
    """
    language = getattr(user, "language", None)
    if language not in supported_languages():
        return
    translation.activate(language)
    django_request = request._request if isinstance(request, Request) else request
    django_request.LANGUAGE_CODE = language


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

    Used on refusals only (413, 404, CSRF), where loading the user is worth a query.
    A failed authentication (a bad token, a missing CSRF token) leaves the language
    of ``Accept-Language``.
    """
    # DRF's settings import the dotted paths: the stubs see the strings, code gets classes.
    classes = cast("list[type[BaseAuthentication]]", api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    drf_request = Request(request, authenticators=[auth() for auth in classes])
    with contextlib.suppress(exceptions.APIException):
        drf_request.user  # noqa: B018 - reading it runs the authenticators


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's: ``Accept-Language`` chooses, ``Content-Language`` tells.

    Views may switch to the user's language; the header reports the language finally
    used. The thread goes back to the default afterwards, so no language outlives its
    request into the next one or into code run outside requests.
    """

    async_capable = False  # the service runs under WSGI; ``__call__`` below is sync

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            # Synchronous (``async_capable`` is off), so never an awaitable.
            return cast("HttpResponseBase", super().__call__(request))
        finally:
            translation.deactivate()
