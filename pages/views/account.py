"""The profile, onboarding, the language switch and the verification resend."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.flows.email_verification import resend_verification
from accounts.flows.onboarding import complete_onboarding
from accounts.flows.profile import update_profile
from accounts.models import User
from accounts.security import limits
from core.exceptions import ServiceError
from pages.forms import LanguageForm, ProfileForm
from pages.views.base import (
    form_page,
    methods,
    page,
    remember_language,
    safe_next,
    signed_in_page,
    user_of,
)


def _profile_of(user: User) -> dict[str, Any]:
    return {field: getattr(user, field) for field in ProfileForm.base_fields}


def _saved(request: HttpRequest, user: User, target: str) -> HttpResponse:
    """Go on to ``target`` in the user's language, which the form may just have changed."""
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    return remember_language(redirect(target), user.language)


@signed_in_page
@methods("GET", "POST")
def profile(request: HttpRequest) -> HttpResponse:
    """The profile: who the account is, and the names, currency and language it uses."""
    user = user_of(request)
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial=_profile_of(user)
    )
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, **form.cleaned_data)
        response = _saved(request, user, reverse("pages:profile"))
        messages.success(request, _("Your profile was saved."))
        return response
    return form_page(request, "pages/profile.html", {"form": form, "user": user}, form=form)


@signed_in_page
@methods("GET", "POST")
def onboarding(request: HttpRequest) -> HttpResponse:
    """Names, currency and language; then the account is ``Active``."""
    user = user_of(request)
    if user.status == User.Status.ACTIVE:
        return redirect("pages:profile")
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial=_profile_of(user)
    )
    context = {"form": form, "user": user}
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, **form.cleaned_data)
        try:
            complete_onboarding(user=user)
        except ServiceError as error:
            return form_page(request, "pages/onboarding.html", context, form=form, error=error)
        response = _saved(request, user, reverse("pages:profile"))
        messages.success(request, _("Welcome! Your account is ready."))
        return response
    return form_page(request, "pages/onboarding.html", context, form=form)


@page
@methods("POST")
def language(request: HttpRequest) -> HttpResponse:
    """Switch the pages' language: the signed-in user's profile, else this browser's cookie."""
    form = LanguageForm(request.POST)
    target = safe_next(request) or reverse("pages:profile")
    if not form.is_valid():
        return redirect(target)
    chosen = form.cleaned_data["language"]
    if request.user.is_authenticated:
        update_profile(user=user_of(request), language=chosen)
    return remember_language(redirect(target), chosen)


@signed_in_page
@methods("POST")
def resend_verification_email(request: HttpRequest) -> HttpResponse:
    """Send a new verification link, under the API's limits for it."""
    user = user_of(request)
    target = safe_next(request) or reverse("pages:profile")
    try:
        limits.check_all(
            ("email_send", limits.by_address(request)),
            ("verification_resend", limits.by_email(user.email)),
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect(target)
    resend_verification(user=user)
    messages.success(request, _("A verification link is on its way."))
    return redirect(target)


@page
@methods("GET")
def deleted(request: HttpRequest) -> HttpResponse:
    """After the account was deleted: nothing of it is left."""
    return render(request, "pages/deleted.html")
