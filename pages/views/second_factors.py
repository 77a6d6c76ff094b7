"""The second-factor sections of the security page: authenticator app, recovery codes, passkeys.

Each action calls the flow the API's action calls (``mfa.flows``), which records the
security event and queues the email; the changes the API guards with step-up are
guarded here with ``step_up_required`` (``pages.views.step_up``). Secrets and recovery
codes are shown in the answer to the POST that made them, never again.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from core.client import Client
from core.exceptions import NotFound, ServiceError
from mfa import flows, passkeys
from mfa.errors import TotpAlreadyEnabled
from mfa.totp import TotpSetup
from pages.forms import PasskeyAddForm, TotpConfirmForm
from pages.views.base import form_page, methods, signed_in_page, user_of
from pages.views.errors import not_found
from pages.views.security import security_page
from pages.views.step_up import json_step_up_required, step_up_required

#: The largest id a ``bigint`` column holds; a longer number is no passkey's id.
MAX_ID = 2**63 - 1


def _done(request: HttpRequest, message: str, section: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{reverse('pages:security')}#{section}")


def _refused(request: HttpRequest, error: ServiceError, section: str) -> HttpResponse:
    messages.error(request, str(error.message))
    return redirect(f"{reverse('pages:security')}#{section}")


def _codes_page(request: HttpRequest, codes: list[str], *, title: str) -> HttpResponse:
    """The recovery codes, shown this once (the page is never cached)."""
    return render(request, "pages/recovery_codes.html", {"codes": codes, "title": title})


def qr_image(setup: TotpSetup) -> str:
    """The service's own QR code SVG as an image address (``img-src 'self' data:``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(setup.qr_svg.encode()).decode()


# --- Authenticator app ----------------------------------------------------------------------


@signed_in_page
@methods("GET", "POST")
@step_up_required(back_to="#authenticator-app")
def totp_setup(request: HttpRequest) -> HttpResponse:
    """POST starts a setup (a new secret); GET shows the pending one with its QR code."""
    user = user_of(request)
    if request.method == "POST":
        try:
            flows.start_totp_setup(user=user)
        except TotpAlreadyEnabled as error:
            return _refused(request, error, "authenticator-app")
        return redirect("pages:totp-setup")
    return _setup_page(request, TotpConfirmForm())


def _setup_page(
    request: HttpRequest, form: TotpConfirmForm, error: ServiceError | None = None
) -> HttpResponse:
    setup = flows.pending_totp_setup(user=user_of(request))
    if setup is None:
        messages.error(request, _("Start the authenticator app setup again: it has expired."))
        return redirect(f"{reverse('pages:security')}#authenticator-app")
    context: dict[str, Any] = {"form": form, "setup": setup, "qr_image": qr_image(setup)}
    return form_page(request, "pages/totp_setup.html", context, form=form, error=error)


@signed_in_page
@sensitive_post_parameters("code")
@methods("POST")
def totp_confirm(request: HttpRequest) -> HttpResponse:
    """Turn the pending app on with a code; a first factor shows its recovery codes."""
    form = TotpConfirmForm(request.POST)
    if not form.is_valid():
        return _setup_page(request, form)
    try:
        codes = flows.confirm_totp(
            user=user_of(request), code=form.cleaned_data["code"], client=Client.of(request)
        )
    except ServiceError as error:
        return _setup_page(request, form, error)
    if codes is None:
        return _done(request, _("Your authenticator app is set up."), "authenticator-app")
    messages.success(request, _("Your authenticator app is set up."))
    return _codes_page(request, codes, title=_("Save your recovery codes"))


@signed_in_page
@methods("POST")
@step_up_required(back_to="#authenticator-app")
def totp_remove(request: HttpRequest) -> HttpResponse:
    try:
        flows.disable_totp(user=user_of(request), client=Client.of(request))
    except ServiceError as error:
        return _refused(request, error, "authenticator-app")
    return _done(request, _("The authenticator app was removed."), "authenticator-app")


# --- Recovery codes -------------------------------------------------------------------------


@signed_in_page
@methods("POST")
@step_up_required(back_to="#recovery-codes")
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of ten codes, shown once; the previous set stops working."""
    try:
        codes = flows.regenerate_recovery_codes(user=user_of(request), client=Client.of(request))
    except ServiceError as error:
        return _refused(request, error, "recovery-codes")
    return _codes_page(request, codes, title=_("Your new recovery codes"))


# --- Passkeys -------------------------------------------------------------------------------


@signed_in_page
@methods("POST")
@json_step_up_required
def passkey_options(request: HttpRequest) -> HttpResponse:
    """Creation options for the passkey script (the API's ``POST /auth/passkeys/options/``)."""
    return JsonResponse(passkeys.registration_options(user=user_of(request)))


@signed_in_page
@sensitive_post_parameters("credential")
@methods("POST")
def passkey_add(request: HttpRequest) -> HttpResponse:
    """Keep the passkey the browser made from the options; a first factor shows its codes."""
    form = PasskeyAddForm(request.POST, prefix="passkey")
    form.is_valid()
    try:
        added = flows.add_passkey(
            user=user_of(request),
            credential=form.cleaned_data.get("credential") or None,
            name=form.cleaned_data.get("name", ""),
            client=Client.of(request),
        )
    except ServiceError as error:
        return security_page(request, bound=form, error=error)
    message = _("The passkey “%(name)s” was added.") % {"name": added.passkey.name}
    if added.recovery_codes is None:
        return _done(request, message, "passkeys")
    messages.success(request, message)
    return _codes_page(request, added.recovery_codes, title=_("Save your recovery codes"))


@signed_in_page
@methods("POST")
@step_up_required(back_to="#passkeys")
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    """Remove one of the user's passkeys; another user's id is a 404, as in the API."""
    try:
        if passkey_id > MAX_ID:
            raise NotFound
        flows.remove_passkey(
            user=user_of(request), passkey_id=passkey_id, client=Client.of(request)
        )
    except NotFound:
        return not_found(request)
    return _done(request, _("The passkey was removed."), "passkeys")
