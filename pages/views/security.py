"""The security page and its actions: password, email, sessions, tokens, events, export, deletion.

Each action POSTs to its own address and calls the flow the API's action calls; a
refusal shows the security page again with the errors on that action's form. The
second-factor sections (authenticator app, recovery codes, passkeys) are
``pages.views.second_factors``. The actions the API guards with step-up are guarded
the same way (``pages.views.step_up``).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.flows.account_deletion import delete_account
from accounts.flows.data_export import export_user_data
from accounts.flows.email_change import request_email_change
from accounts.flows.password_change import change_password
from accounts.flows.sessions import revoke_session
from accounts.flows.tokens import revoke_token
from accounts.models import User
from accounts.security import limits
from accounts.selectors import list_security_events, list_sessions, list_tokens
from core.client import Client
from core.exceptions import ServiceError
from mfa.passkeys import list_passkeys
from mfa.selectors import factor_summary
from pages.forms import DeleteAccountForm, EmailChangeForm, PasskeyAddForm, PasswordChangeForm
from pages.views.base import form_page, methods, signed_in_page, user_of
from pages.views.step_up import step_up_required

EVENTS_PER_PAGE = 10


def _current_session_id(request: HttpRequest) -> int | None:
    record = getattr(request.session, "record", None)
    return record.id if record is not None else None


def security_page(
    request: HttpRequest,
    *,
    bound: forms.Form | None = None,
    error: ServiceError | None = None,
) -> HttpResponse:
    """The whole security page; ``bound`` is the form just sent, shown with its errors."""
    user = user_of(request)
    forms_by_prefix: dict[str, forms.Form] = {
        "password": PasswordChangeForm(prefix="password"),
        "email": EmailChangeForm(prefix="email"),
        "delete": DeleteAccountForm(prefix="delete"),
        "passkey": PasskeyAddForm(prefix="passkey"),
    }
    if bound is not None and bound.prefix:
        forms_by_prefix[bound.prefix] = bound
    events = Paginator(list_security_events(user=user), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "user": user,
        "password_form": forms_by_prefix["password"],
        "email_form": forms_by_prefix["email"],
        "delete_form": forms_by_prefix["delete"],
        "sessions": list_sessions(user=user, current_session_id=_current_session_id(request)),
        "tokens": list_tokens(user=user),
        "events": events,
        "passkey_form": forms_by_prefix["passkey"],
        "factors": factor_summary(user),
        "passkeys": list(list_passkeys(user)),
    }
    return form_page(request, "pages/security.html", context, form=bound, error=error)


def _done(request: HttpRequest, message: str, section: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{reverse('pages:security')}#{section}")


@signed_in_page
@methods("GET")
def security(request: HttpRequest) -> HttpResponse:
    return security_page(request)


@signed_in_page
@sensitive_post_parameters("password-current_password", "password-new_password")
@methods("POST")
@step_up_required(back_to="#password", password_given=True)
def password(request: HttpRequest) -> HttpResponse:
    """Change the password; every other session and token ends, this one goes on."""
    form = PasswordChangeForm(request.POST, prefix="password")
    if not form.is_valid():
        return security_page(request, bound=form)
    try:
        user = change_password(
            user=user_of(request), **form.cleaned_data, client=Client.of(request)
        )
    except ServiceError as error:
        return security_page(request, bound=form, error=error)
    update_session_auth_hash(request, user)  # this session goes on, under a new key
    return _done(request, _("Your password was changed."), "password")


@signed_in_page
@sensitive_post_parameters("email-password")
@methods("POST")
@step_up_required(back_to="#email", password_given=True)
def email(request: HttpRequest) -> HttpResponse:
    """Send a confirmation link to a new address; nothing changes until it is followed."""
    user = user_of(request)
    form = EmailChangeForm(request.POST, prefix="email")
    try:
        limits.check_all(
            ("email_send", limits.by_address(request)),
            ("email_change", limits.by_account(user)),
        )
        if not form.is_valid():
            return security_page(request, bound=form)
        request_email_change(user=user, **form.cleaned_data, client=Client.of(request))
    except ServiceError as error:
        return security_page(request, bound=form, error=error)
    return _done(request, _("A confirmation link was sent to the new address."), "email")


@signed_in_page
@methods("POST")
def revoke_session_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """End one of the user's other sessions, at once on every server."""
    try:
        revoke_session(user=user_of(request), session_id=session_id, client=Client.of(request))
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect(f"{reverse('pages:security')}#sessions")
    if session_id == _current_session_id(request):
        request.session.flush()  # its row is gone: clear the cookie too
        return redirect("pages:login")
    return _done(request, _("The session was signed out."), "sessions")


@signed_in_page
@methods("POST")
def revoke_token_view(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's bearer tokens: its next request is refused."""
    try:
        revoke_token(user=user_of(request), token_id=token_id, client=Client.of(request))
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect(f"{reverse('pages:security')}#tokens")
    return _done(request, _("The token was revoked."), "tokens")


@signed_in_page
@methods("GET")
@step_up_required()
def export(request: HttpRequest) -> HttpResponse:
    """Everything the service holds about the user, as the API's JSON document, to download."""
    document = export_user_data(
        user=user_of(request), current_session_id=_current_session_id(request)
    )
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="account-export.json"'
    return response


@signed_in_page
@sensitive_post_parameters("delete-password")
@methods("POST")
@step_up_required(back_to="#delete", password_given=True)
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the account with everything held about it, after the password is checked."""
    form = DeleteAccountForm(request.POST, prefix="delete")
    if not form.is_valid():
        return security_page(request, bound=form)
    user: User = user_of(request)
    try:
        delete_account(user=user, **form.cleaned_data, client=Client.of(request))
    except ServiceError as error:
        return security_page(request, bound=form, error=error)
    request.session.flush()  # the row went with the account: clear the cookie
    return redirect("pages:deleted")
