"""The shape of each page's input, as the API's input serializers are for its bodies.

Field names are the API's (``email``, ``password``, ``new_password``, ``new_email``,
``key``, ...), so a refusal that a flow ties to a field lands on the same field here
(``pages.errors.show_error``). No form holds a rule of its own: what makes an input
acceptable (password strength, a taken email, a complete profile) is the flows' to say.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_control_characters
from core import reference


class PasswordField(forms.CharField):
    """A password as typed: never trimmed, never shown again, bounded before hashing."""

    def __init__(self, *, autocomplete: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Password"))
        super().__init__(
            strip=False,
            max_length=settings.PASSWORD_MAX_LENGTH,
            widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
            **kwargs,
        )


class NewPasswordField(PasswordField):
    """A password being chosen: the password validators' own rules shown as its help."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            autocomplete="new-password",
            help_text=password_validation.password_validators_help_text_html(),
            **kwargs,
        )


class EmailField(forms.EmailField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Email address"))
        kwargs.setdefault("max_length", 254)
        super().__init__(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **kwargs)


class KeyField(forms.CharField):
    """A key or token copied from an emailed link, carried in the form as is."""

    def __init__(self, max_length: int = 512) -> None:
        super().__init__(max_length=max_length, widget=forms.HiddenInput)


def currency_choices() -> list[tuple[str, str]]:
    """Every currency a profile accepts (``core.reference``), named in the active language."""
    return [
        (currency["code"], f"{currency['code']} \N{EN DASH} {currency['name']}")
        for currency in reference.currencies(reference.reference_language())
    ]


def language_choices() -> list[tuple[str, str]]:
    """The interface languages, each named in its own language."""
    return [
        (language["code"], language["native_name"])
        for language in reference.languages(reference.reference_language())
    ]


class LoginForm(forms.Form):
    # The address as typed: the login looks it up whatever its case or padding, and
    # refuses what matches nothing with the one answer for every failure.
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = PasswordField(autocomplete="current-password")


class RegisterForm(forms.Form):
    email = EmailField()
    password = NewPasswordField()


class PasswordResetRequestForm(forms.Form):
    email = EmailField()


class PasswordResetForm(forms.Form):
    uid = KeyField(max_length=64)
    token = KeyField(max_length=128)
    new_password = NewPasswordField(label=_("New password"))


class KeyForm(forms.Form):
    """The key of a verification or email-change link, posted back by a button."""

    key = KeyField()


class ProfileForm(forms.Form):
    """Names, currency and language: onboarding and the profile page alike.

    The names may be left empty here; completing onboarding says when they are needed.
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        validators=[validate_no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        validators=[validate_no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=language_choices)
    next = forms.CharField(max_length=2048, required=False)


class PasswordChangeForm(forms.Form):
    current_password = PasswordField(autocomplete="current-password", label=_("Current password"))
    new_password = NewPasswordField(label=_("New password"))


class EmailChangeForm(forms.Form):
    new_email = EmailField(label=_("New email address"))
    password = PasswordField(autocomplete="current-password")


class DeleteAccountForm(forms.Form):
    password = PasswordField(autocomplete="current-password")
