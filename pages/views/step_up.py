"""Step-up on the pages: sensitive actions ask for a recent proof of identity, as the API does.

The API guards them with ``accounts.permissions.RecentlyAuthenticated`` (401
``reauthentication_required``); a page sends the person to ``/account/reauthenticate/``
instead, which renews the proof with the same flow as ``POST /auth/reauthenticate/``
(``accounts.flows.reauthentication``) and brings them back. The window and what counts
as a proof are ``accounts.security.step_up``'s alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.errors import ReauthenticationRequired
from accounts.flows.reauthentication import reauthenticate as reauthenticate_flow
from accounts.security import second_factors, step_up
from core.client import Client
from core.exceptions import ServiceError
from pages.forms import ReauthenticateForm
from pages.views.base import View, form_page, methods, safe_next, signed_in_page, user_of


def is_recent(request: HttpRequest, *, password_given: bool = False) -> bool:
    """Whether this session proved who it is recently enough (``step_up.is_recent``)."""
    return step_up.is_recent(
        user_of(request), session=request.session, token=None, password_given=password_given
    )


def reauthentication_url(next_url: str) -> str:
    return f"{reverse('pages:reauthenticate')}?{urlencode({'next': next_url})}"


def step_up_required(
    *, back_to: str | None = None, password_given: bool = False
) -> Callable[[View], View]:
    """Guard a view of a signed-in page: without a recent proof, re-authenticate first.

    Args:
        back_to: Where to come back to, a section of the security page (``#passkeys``);
            by default the address asked for (a GET, such as the export).
        password_given: The form carries the password, which its flow checks: enough
            for a user without a second factor (``RecentSecondFactor`` in the API).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_recent(request, password_given=password_given):
                target = (
                    f"{reverse('pages:security')}{back_to}"
                    if back_to is not None
                    else request.get_full_path()
                )
                return redirect(reauthentication_url(target))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def json_step_up_required(view: View) -> View:
    """For the passkey script's calls: 401 with where to re-authenticate, as JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_recent(request):
            error = ReauthenticationRequired(methods=step_up.methods(user_of(request)))
            back = request.headers.get("X-Back-To") or reverse("pages:security")
            return JsonResponse(
                {
                    "code": error.code,
                    "message": str(error.message),
                    "location": reauthentication_url(safe_local(request, back)),
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper


def safe_local(request: HttpRequest, target: str) -> str:
    """``target`` if it is an address of this site, else the security page."""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("pages:security")


@signed_in_page
@sensitive_post_parameters("password", "code", "recovery_code", "credential")
@methods("GET", "POST")
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm it is you: the password (and a code, with a second factor) or a passkey."""
    user = user_of(request)
    next_url = safe_next(request) or reverse("pages:security")
    form = ReauthenticateForm(request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "next": next_url,
        "methods": second_factors.methods(user),
    }
    if request.method == "POST" and form.is_valid():
        try:
            proof = reauthenticate_flow(user=user, client=Client.of(request), **form.answer())
        except ServiceError as error:
            return form_page(request, "pages/reauthenticate.html", context, form=form, error=error)
        step_up.remember(proof, session=request.session, token=None)
        return redirect(next_url)
    return form_page(request, "pages/reauthenticate.html", context, form=form)


@signed_in_page
@methods("POST")
def reauthenticate_options(request: HttpRequest) -> HttpResponse:
    """Passkey request options listing the user's passkeys (the API's reauthenticate/options)."""
    provider = second_factors.provider()
    if provider is None:
        return JsonResponse({"message": _("Passkeys are not available.")}, status=404)
    return JsonResponse(provider.passkey_options(purpose="reauthenticate", user=user_of(request)))
