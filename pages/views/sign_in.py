"""The rest of a sign-in: the second step after the password, and a passkey alone.

The password step (``pages.views.auth.login``) leaves a pending sign-in for a user with
a second factor, the same server-side record as the API's ``mfa_token``
(``accounts.security.pending_sign_ins``); the page keeps its token in the Django session
and sends the browser to ``/account/login/verify/``. The answer goes through
``complete_second_step``, as ``POST /auth/mfa/authenticate/`` does: five wrong answers
void the sign-in and count as failed logins of the email; the token is single-use,
bound to this browser's CSRF secret and lives 5 minutes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.debug import sensitive_post_parameters

from accounts.authentication import binding_of
from accounts.errors import InvalidMfaToken
from accounts.flows.login import (
    complete_second_step,
    passkey_sign_in_options,
    second_step_options,
    sign_in_with_passkey,
    start_session,
)
from accounts.models import PendingSignIn, User
from accounts.security import limits, pending_sign_ins, second_factors
from core.client import Client
from core.exceptions import ServiceError
from core.i18n import activate_user_language
from pages.forms import SecondFactorForm
from pages.views.base import form_page, home_of, methods, page, remember_language, safe_next

#: The session key of the pending sign-in: its token and where to go once it is done.
PENDING = "pages_pending_sign_in"


def begin_second_step(request: HttpRequest, mfa_token: str, next_url: str | None) -> HttpResponse:
    """Keep the pending sign-in in this browser's session and go to the second step."""
    request.session[PENDING] = {"token": mfa_token, "next": next_url or ""}
    return redirect("pages:second-step")


def session_started(
    request: HttpRequest, user: User, next_url: str | None, *, second_factor: bool
) -> HttpResponse:
    """Sign ``user`` in to this browser, in their language, and go on."""
    start_session(request, user, second_factor=second_factor)
    activate_user_language(request, user)
    response = redirect(next_url or home_of(user))
    return remember_language(response, user.language)


def _binding(request: HttpRequest) -> pending_sign_ins.Binding:
    return lambda purpose: binding_of(request, purpose)


def _start_over(request: HttpRequest, error: ServiceError) -> HttpResponse:
    """The pending sign-in is gone (expired, used, void): say so on the sign-in page."""
    request.session.pop(PENDING, None)
    messages.error(request, str(error.message))
    return redirect("pages:login")


@page
@sensitive_post_parameters("code", "recovery_code", "credential")
@methods("GET", "POST")
def second_step(request: HttpRequest) -> HttpResponse:
    """A code from the authenticator app, a recovery code, or the passkey."""
    held = request.session.get(PENDING) or {}
    token = held.get("token") if isinstance(held, dict) else None
    pending = pending_sign_ins.find(token, binding=_binding(request))
    if pending is None or pending.purpose != PendingSignIn.Purpose.SESSION:
        return _start_over(request, InvalidMfaToken())
    # The password was right: the page speaks the user's language, as their pages do.
    activate_user_language(request, pending.user)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "methods": second_factors.methods(pending.user)}
    if request.method == "POST":
        try:
            limits.check("login", limits.by_address(request))
            if form.is_valid():
                sign_in = complete_second_step(
                    mfa_token=str(token),
                    binding=_binding(request),
                    client=Client.of(request),
                    **form.answer(),
                )
                request.session.pop(PENDING, None)
                return session_started(
                    request, sign_in.user, held.get("next") or None, second_factor=True
                )
        except InvalidMfaToken as error:
            return _start_over(request, error)
        except ServiceError as error:
            return form_page(request, "pages/second_step.html", context, form=form, error=error)
    return form_page(request, "pages/second_step.html", context, form=form)


@page
@methods("POST")
def second_step_passkey_options(request: HttpRequest) -> HttpResponse:
    """Passkey request options for the pending sign-in (the API's authenticate/options)."""
    held = request.session.get(PENDING) or {}
    token = held.get("token") if isinstance(held, dict) else None
    try:
        options = second_step_options(mfa_token=str(token or ""), binding=_binding(request))
    except ServiceError as error:
        return JsonResponse({"code": error.code, "message": str(error.message)}, status=400)
    return JsonResponse(options)


@page
@sensitive_post_parameters("credential")
@methods("POST")
def passkey_login(request: HttpRequest) -> HttpResponse:
    """A whole sign-in with a discoverable passkey, as ``POST /auth/passkeys/login/``."""
    form = SecondFactorForm(request.POST)
    try:
        limits.check("login", limits.by_address(request))
        form.is_valid()
        sign_in = sign_in_with_passkey(
            credential=form.cleaned_data.get("credential") or None,
            client=Client.of(request),
            purpose=PendingSignIn.Purpose.SESSION,
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("pages:login")
    return session_started(request, sign_in.user, safe_next(request), second_factor=True)


@page
@methods("POST")
def passkey_login_options(request: HttpRequest) -> HttpResponse:
    """Request options for a discoverable passkey (the API's passkeys/login/options)."""
    try:
        limits.check("login", limits.by_address(request))
        options = passkey_sign_in_options()
    except ServiceError as error:
        return JsonResponse({"code": error.code, "message": str(error.message)}, status=400)
    return JsonResponse(options)
