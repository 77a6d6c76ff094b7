"""Signing in, signing out and registering.

Each view checks the same request limits as its API action
(``accounts.security.limits``), then calls the same flow: the sign-in password goes
through ``sign_in_with_password``, so the login request limit, the per-email lockout,
the per-address failure budget of ``accounts.backends`` and the second step hold here
exactly as for the API (a form the validation refuses counts its login request here).
A user with a second factor goes on to ``pages.views.sign_in.second_step``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.authentication import binding_of
from accounts.errors import SecondFactorRequired
from accounts.flows.login import log_out, sign_in_with_password
from accounts.flows.registration import register_user
from accounts.models import PendingSignIn
from accounts.security import limits
from core.client import Client
from core.exceptions import ServiceError
from core.i18n import supported_languages
from pages.forms import LoginForm, RegisterForm
from pages.views.base import (
    form_page,
    home_of,
    methods,
    page,
    safe_next,
    user_of,
)
from pages.views.sign_in import begin_second_step, session_started


@page
@sensitive_post_parameters("password")
@methods("GET", "POST")
def login(request: HttpRequest) -> HttpResponse:
    """Email and password; then, for a user with a second factor, the second step."""
    next_url = safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or home_of(user_of(request)))
    form = LoginForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": next_url or ""}
    if request.method == "POST":
        try:
            if not form.is_valid():
                # A valid form counts at the sign-in gate, with the failure counts.
                limits.check("login", limits.by_address(request))
            else:
                purpose = PendingSignIn.Purpose.SESSION
                user = sign_in_with_password(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    client=Client.of(request),
                    purpose=purpose,
                    binding=binding_of(request, purpose),
                )
                return session_started(request, user, next_url, second_factor=False)
        except SecondFactorRequired as pending:
            # The password was right and the user has a second factor: nothing started yet.
            return begin_second_step(request, pending.extra["mfa_token"], next_url)
        except ServiceError as error:
            return form_page(request, "pages/login.html", context, form=form, error=error)
    return form_page(request, "pages/login.html", context, form=form)


@page
@methods("GET", "POST")
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out by POST only: a GET shows the button, so no link or image can sign anyone out."""
    if not request.user.is_authenticated:
        return redirect("pages:login")
    if request.method == "GET":
        return render(request, "pages/logout.html")
    log_out(request, user=user_of(request))
    messages.success(request, _("You are signed out."))
    return redirect("pages:login")


@page
@sensitive_post_parameters("password")
@methods("GET", "POST")
def register(request: HttpRequest) -> HttpResponse:
    """Create an account in the page's language; the verification email is on its way."""
    form = RegisterForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    if request.method == "POST":
        try:
            limits.check("register", limits.by_address(request))
            if form.is_valid():
                language = get_language()
                register_user(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    # Emails to the new account speak the language it registered in.
                    **({"language": language} if language in supported_languages() else {}),
                )
                return redirect("pages:register-sent")
        except ServiceError as error:
            return form_page(request, "pages/register.html", context, form=form, error=error)
    return form_page(request, "pages/register.html", context, form=form)


@page
@methods("GET")
def register_sent(request: HttpRequest) -> HttpResponse:
    """After registering: check your email."""
    return render(request, "pages/register_sent.html", {"login_url": reverse("pages:login")})
