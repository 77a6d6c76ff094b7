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


# --- Second factors -------------------------------------------------------------------------


class CodeField(forms.CharField):
    """A one-time code as typed; its shape is the flow's to judge (spaces are fine)."""

    def __init__(self, *, label: Any, max_length: int, autocomplete: str = "off") -> None:
        super().__init__(
            label=label,
            max_length=max_length,
            required=False,
            widget=forms.TextInput(
                attrs={"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "off"}
            ),
        )


class CredentialField(forms.CharField):
    """A passkey's answer, put in a hidden field by the passkey script (JSON)."""

    def __init__(self) -> None:
        super().__init__(
            max_length=65_536,
            required=False,
            widget=forms.HiddenInput(attrs={"data-credential": ""}),
        )


def app_code_field() -> CodeField:
    field = CodeField(label=_("Code from your authenticator app"), max_length=32)
    field.widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric"})
    return field


def recovery_code_field() -> CodeField:
    return CodeField(label=_("Recovery code"), max_length=64)


class SecondFactorForm(forms.Form):
    """One answer: an app's code, a recovery code or a passkey (the flow says which is wrong).

    The sign-in's second step and the re-authentication share it; an empty answer is
    sent to the flow as none (``None``), and the flow says what is missing.
    """

    code = app_code_field()
    recovery_code = recovery_code_field()
    credential = CredentialField()

    def answer(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"] or None,
            "recovery_code": data["recovery_code"] or None,
            "credential": data["credential"] or None,
        }


class ReauthenticateForm(SecondFactorForm):
    """The password with a second factor (if the user has one), or a passkey alone."""

    password = PasswordField(autocomplete="current-password", required=False)

    def answer(self) -> dict[str, Any]:
        return {**super().answer(), "password": self.cleaned_data["password"] or None}


class TotpConfirmForm(forms.Form):
    code = app_code_field()


class PasskeyAddForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the passkey"),
        help_text=_("So you can tell your passkeys apart, such as “Laptop” or “Phone”."),
        max_length=200,  # the flow says what a good name is
        required=False,
        strip=False,
    )
    credential = CredentialField()
