"""The pages that emailed links open: verify an address, reset a password, confirm a new address.

Opening a link changes nothing: mail scanners fetch links before people do, so a GET
only shows a button, and the button POSTs the key to the same flow the API calls.
The key is the proof; no session is needed, as in the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.errors import InvalidLink
from accounts.flows.email_change import confirm_email_change
from accounts.flows.email_verification import verify_email
from accounts.flows.password_reset import confirm_password_reset, request_password_reset
from accounts.security import limits
from core.client import Client
from core.exceptions import ServiceError
from pages.forms import KeyForm, PasswordResetForm, PasswordResetRequestForm
from pages.views.base import form_page, home_of, methods, page, user_of

LINK_FIELDS = ("key", "uid", "token")


def _broken_link(request: HttpRequest, template: str) -> HttpResponse:
    """A link that lost its key or token (cut short when copied): invalid, as the flow says."""
    context = {"link_error": InvalidLink().message, "has_errors": True}
    return render(request, template, context, status=400)


def _is_broken(form: KeyForm | PasswordResetForm) -> bool:
    return any(name in form.fields and form.has_error(name) for name in LINK_FIELDS)


def _signed_in_or_login(request: HttpRequest) -> HttpResponse:
    """After a link did its work: the account for a signed-in browser, else the sign-in."""
    if request.user.is_authenticated:
        return redirect(home_of(user_of(request)))
    return redirect("pages:login")


def _key_link_page(
    request: HttpRequest, template: str, confirm: Callable[[str, Client], str]
) -> HttpResponse:
    """GET shows the button; POST hands the key to ``confirm``, which returns the message."""
    form = KeyForm(request.POST if request.method == "POST" else request.GET)
    if _is_broken(form):
        return _broken_link(request, template)
    if request.method == "POST":
        try:
            done = confirm(form.cleaned_data["key"], Client.of(request))
        except ServiceError as error:
            return form_page(request, template, {"form": form}, form=form, error=error)
        messages.success(request, done)
        return _signed_in_or_login(request)
    return form_page(request, template, {"form": form})


@page
@methods("GET", "POST")
def verify_email_page(request: HttpRequest) -> HttpResponse:
    """``?key=…`` from the verification email: a button that confirms the address."""

    def confirm(key: str, client: Client) -> str:
        verify_email(key=key, client=client)
        return _("Your email address is verified.")

    return _key_link_page(request, "pages/verify_email.html", confirm)


@page
@methods("GET", "POST")
def confirm_email_page(request: HttpRequest) -> HttpResponse:
    """``?key=…`` from the email-change link: a button that moves the account."""

    def confirm(key: str, client: Client) -> str:
        user = confirm_email_change(key=key, client=client)
        return _("Your email address is now %(email)s.") % {"email": user.email}

    return _key_link_page(request, "pages/confirm_email.html", confirm)


@page
@sensitive_post_parameters("new_password")
@methods("GET", "POST")
def reset_password(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; with ``?uid=…&token=…`` from that link, set the new password."""
    if {"uid", "token"} & {*request.GET, *request.POST}:
        return _set_new_password(request)
    template = "pages/reset_request.html"
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            limits.check_all(
                ("password_reset", limits.by_address(request)),
                ("password_reset_email", limits.by_email(request.POST.get("email"))),
            )
            if form.is_valid():
                request_password_reset(email=form.cleaned_data["email"])
                return redirect("pages:reset-password-sent")
        except ServiceError as error:
            return form_page(request, template, {"form": form}, form=form, error=error)
    return form_page(request, template, {"form": form}, form=form)


def _set_new_password(request: HttpRequest) -> HttpResponse:
    """The reset link's form: its uid and token ride along in hidden fields.

    A refused new password (too weak, say) leaves the link usable, as the flow promises.
    """
    template = "pages/reset_confirm.html"
    if request.method == "GET":
        link = {name: request.GET.get(name, "") for name in ("uid", "token")}
        form = PasswordResetForm(initial=link)
        if not all(link.values()):
            return _broken_link(request, template)
        return form_page(request, template, {"form": form})
    form = PasswordResetForm(request.POST)
    if _is_broken(form):
        return _broken_link(request, template)
    if form.is_valid():
        try:
            confirm_password_reset(**form.cleaned_data, client=Client.of(request))
        except ServiceError as error:
            return form_page(request, template, {"form": form}, form=form, error=error)
        messages.success(request, _("Your password was reset. Sign in with the new one."))
        return redirect("pages:login")
    return form_page(request, template, {"form": form}, form=form)


@page
@methods("GET")
def reset_password_sent(request: HttpRequest) -> HttpResponse:
    """The same words for every address: whether an account uses it is not told."""
    return render(request, "pages/reset_sent.html")
