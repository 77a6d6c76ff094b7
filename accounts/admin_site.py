"""The admin site: its sign-in goes through the same gate and second step as the API's.

- The password form is checked by ``accounts.backends.AccountBackend`` (limits, events).
- Staff with a second factor then answer it: the password step leaves a pending sign-in
  (``accounts.security.pending_sign_ins``, as ``POST /auth/login/`` does) and the
  second step completes it with ``accounts.flows.login.complete_second_step``: a code,
  a recovery code, or a passkey (a small script, ``static/accounts/admin/passkey.js``,
  gets the options from ``POST /auth/mfa/authenticate/options/`` and posts the answer).
- With ``ACCOUNTS_ADMIN_REQUIRE_MFA`` (on when ``DEBUG`` is off), staff without a second
  factor are kept out until they add one through the API or the account pages.

Installed as Django's default site (``accounts.apps.AccountsAdminConfig``).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.app_settings import app_settings
from accounts.authentication import binding_of
from accounts.errors import InvalidMfaToken
from accounts.flows.login import complete_second_step, start_session
from accounts.models import PendingSignIn, User
from accounts.security import pending_sign_ins, second_factors
from core.client import Client
from core.exceptions import ServiceError

SECOND_STEP_TEMPLATE = "admin/accounts/second_step.html"
INVALID_CREDENTIAL_MESSAGE = _("The passkey could not be verified.")


def _second_factor_required(user: object) -> bool:
    """Whether ``ACCOUNTS_ADMIN_REQUIRE_MFA`` keeps this staff member out for now."""
    return (
        app_settings.ADMIN_REQUIRE_MFA
        and isinstance(user, User)
        and not second_factors.has_second_factor(user)
    )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's password step, through the same gate as every other sign-in.

    Django's form calls ``authenticate()``, which is ``accounts.backends.AccountBackend``:
    the per-email lockout, the per-address limits and the events of the API login. A
    refusal of the gate (too many failures) is shown on the form.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "mfa_setup_required": _(
            "Staff accounts need a second factor to enter the admin. Add an authenticator "
            "app or a passkey to your account first, through the account pages or the API, "
            "then sign in here again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ServiceError as error:
            raise ValidationError(str(error.message), code=error.code) from error

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)  # active staff only
        if _second_factor_required(user):
            raise ValidationError(
                self.error_messages["mfa_setup_required"], code="mfa_setup_required"
            )


class AdminSecondStepForm(forms.Form):
    """The second step: a code from the authenticator app, a recovery code or a passkey."""

    mfa_token = forms.CharField(widget=forms.HiddenInput, max_length=128)
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    recovery_code = forms.CharField(
        label=_("Or one of your recovery codes"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The passkey's answer, as JSON, filled in by the page's script.
    credential = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16_000)

    def clean_credential(self) -> dict[str, Any] | None:
        text = self.cleaned_data.get("credential")
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ValidationError(INVALID_CREDENTIAL_MESSAGE, code="invalid_credential")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("code", "recovery_code", "credential") if data.get(name)]
        if len(given) != 1 and not self.has_error("credential"):
            raise ValidationError(
                _("Enter a code from your authenticator app or a recovery code."),
                code="one_answer",
            )
        return data


class AdminLoginView(LoginView):
    """Django's login view, stopping after the password for staff with a second factor."""

    def form_valid(self, form: AdminAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if not second_factors.has_second_factor(user):
            return super().form_valid(form)
        purpose = PendingSignIn.Purpose.SESSION
        mfa_token = pending_sign_ins.begin(
            user=user, purpose=purpose, binding=binding_of(self.request, purpose)
        )
        second_step = AdminSecondStepForm(initial={"mfa_token": mfa_token})
        return self.render_second_step(second_step, methods=second_factors.methods(user))

    def render_second_step(self, form: AdminSecondStepForm, *, methods: list[str]) -> HttpResponse:
        context = {
            **self.get_context_data(),
            "form": form,
            "methods": methods,
            "title": _("Confirm it is you"),
        }
        return TemplateResponse(self.request, SECOND_STEP_TEMPLATE, context)


class AccountsAdminSite(admin.AdminSite):
    """Django's admin site with the service's sign-in rules."""

    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not _second_factor_required(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The password step; with ``mfa_token`` in the form, the second step."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "mfa_setup_required": request.user.is_authenticated
            and _second_factor_required(request.user),
            **(extra_context or {}),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        request.current_app = self.name
        options = {
            "extra_context": context,
            "authentication_form": self.login_form,
            "template_name": "admin/accounts/login.html",
        }
        if request.method == "POST" and "mfa_token" in request.POST:
            view = AdminLoginView(**options)
            view.setup(request)
            return self.second_step(request, view)
        return AdminLoginView.as_view(**options)(request)

    @method_decorator(sensitive_post_parameters("code", "recovery_code", "credential"))
    def second_step(self, request: HttpRequest, view: AdminLoginView) -> HttpResponse:
        """Complete the pending sign-in with a code and start the admin session."""
        form = AdminSecondStepForm(request.POST)
        if form.is_valid():
            try:
                sign_in = complete_second_step(
                    mfa_token=form.cleaned_data["mfa_token"],
                    binding=lambda purpose: binding_of(request, purpose),
                    client=Client.of(request),
                    code=form.cleaned_data["code"] or None,
                    recovery_code=form.cleaned_data["recovery_code"] or None,
                    credential=form.cleaned_data["credential"],
                )
            except InvalidMfaToken as error:
                # Expired, voided by wrong answers, or another browser's: start over.
                context = view.get_context_data(form=AdminLoginForm(request))
                return view.render_to_response({**context, "notice": error.message})
            except ServiceError as error:  # a wrong code, a locked email
                form.add_error(None, str(error.message))
            else:
                if sign_in.user.is_active and sign_in.user.is_staff:
                    start_session(request, sign_in.user, second_factor=True)
                    return HttpResponseRedirect(_next_url(request))
                form.add_error(None, _("This account cannot enter the admin."))
        pending = pending_sign_ins.find(
            request.POST.get("mfa_token"), binding=lambda purpose: binding_of(request, purpose)
        )
        methods = second_factors.methods(pending.user) if pending is not None else []
        return view.render_second_step(form, methods=methods)


def _next_url(request: HttpRequest) -> str:
    """Where the sign-in was going: a local ``next``, else the admin's index."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")
