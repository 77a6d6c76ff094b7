"""What every account page shares: who is signed in, in which language, and how a form answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.exceptions import MethodNotAllowed

from accounts.models import User
from core.errors import json_error
from core.exceptions import ServiceError
from core.i18n import activate_user_language
from pages.errors import show_error, status_of, with_retry_after

View = Callable[..., HttpResponse]


def page(view: View) -> View:
    """An account page: in the signed-in user's language, never stored by a cache.

    Anonymous visitors get the language of the language cookie or ``Accept-Language``
    (``LocaleMiddleware``); a signed-in user their stored ``language``, as in the API.
    Pages carry personal data and CSRF tokens, so no cache may keep them.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            activate_user_language(request, request.user)
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def methods(*allowed: str) -> Callable[[View], View]:
    """Serve only ``allowed`` methods; others get the service's JSON 405, as in the API."""
    served = {*allowed, "HEAD"} if "GET" in allowed else set(allowed)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in served:
                response = json_error(MethodNotAllowed(str(request.method)))
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def signed_in_page(view: View) -> View:
    """A page of the signed-in user; anyone else is sent to sign in and brought back."""

    @page
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("pages:login"))
        return view(request, *args, **kwargs)

    return wrapper


def user_of(request: HttpRequest) -> User:
    """The user of a ``signed_in_page``: never anonymous there."""
    return cast("User", request.user)


def safe_next(request: HttpRequest) -> str | None:
    """The ``next`` page to go on to, if it is one of ours (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def home_of(user: User) -> str:
    """Where a signed-in user goes by default: onboarding until it is done, then the profile."""
    if user.status == User.Status.ONBOARDING:
        return reverse("pages:onboarding")
    return reverse("pages:profile")


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Keep ``language`` for this browser, so pages stay in it after signing out."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # the stubs type the setting as str
    )
    return response


def form_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    form: forms.Form | None = None,
    error: ServiceError | None = None,
) -> HttpResponse:
    """Render ``template``; with ``form``, its errors decide the status.

    A refusal from a flow is shown on the form (``pages.errors.show_error``) and
    answered with the flow's status (429 with ``Retry-After`` for a limit); a form that
    did not validate is a 400. The page's ``<title>`` starts with "Error" then, so that
    a screen reader says so first.
    """
    status = 200
    if form is not None and error is not None:
        show_error(form, error)
        status = status_of(error)
    elif form is not None and form.is_bound and form.errors:
        status = 400
    # The page to come back to after switching the language: a page answering a POST
    # comes back as the GET of its address.
    here = context.get("here") or (
        request.get_full_path() if request.method == "GET" else request.path
    )
    context = {**context, "has_errors": status >= 400, "here": here}
    response = render(request, template, context, status=status)
    return with_retry_after(response, error) if error is not None else response
