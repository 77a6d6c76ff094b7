"""Which language a response speaks: the user's stored one, else the request's.

Django's ``LocaleMiddleware`` activates the language of ``Accept-Language`` for every
request (English when the header names nothing supported). Who the user is becomes
known only when authentication runs; the authenticators then call
:func:`activate_user_language` before anything that can raise, so every message built
after that is in the user's language (``core.authentication.UserLanguageMixin``).

This module needs neither Django REST framework nor any app: models and validators use
:func:`supported_languages`.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


def supported_languages() -> list[str]:
    """Return the codes of ``settings.LANGUAGES``, the one list of interface languages."""
    return [code for code, _name in settings.LANGUAGES]


def activate_user_language(request: Any, user: Any) -> None:
    """Speak ``user``'s stored language for the rest of this request.

    ``request`` is Django's request or Django REST framework's wrapper of it. It reads
    only the already loaded user, so it costs no query. A user whose stored language is
    no longer supported keeps the request's language.
    """
    language = getattr(user, "language", None)
    if language not in supported_languages():
        return
    translation.activate(language)
    django_request: HttpRequest = getattr(request, "_request", request)
    django_request.LANGUAGE_CODE = language


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
