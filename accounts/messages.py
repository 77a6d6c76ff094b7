"""The messages the service sends, rendered by the worker from templates.

The worker (``accounts.tasks``) loads the account and calls :func:`build_message`,
which renders ``accounts/email/<kind>_subject.txt``, ``<kind>_body.txt`` and
``<kind>_body.html`` in the recipient's own language, not the language of the request
that caused them. Links carry secrets made at render time (``accounts.security.keys``),
so none is stored in the queue (``accounts.emails`` queues).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import PendingEmailChange, SecurityEvent, User
from accounts.security import keys
from core.i18n import supported_languages

#: What a kind of message needs: its recipient and its template context, or ``None``
#: when there is nothing to send any more (the address was verified meanwhile, say).
Builder = Callable[[User, dict[str, str]], tuple[str, dict[str, Any]] | None]


#: The pages emails link to: the path in a front end (``FRONTEND_URL``), which posts the
#: values back to the API, and the path of the service's own account pages (``pages``).
LINK_PATHS: dict[str, tuple[str, str]] = {
    "home": ("", "/account/"),
    "verify_email": ("/verify-email", "/account/verify-email/"),
    "reset_password": ("/reset-password", "/account/reset-password/"),
    "confirm_email": ("/confirm-email", "/account/confirm-email/"),
}


def account_link(page: str, **query: str) -> str:
    """An absolute link to ``page`` for an email, which is rendered without a request.

    Into the front end when ``FRONTEND_URL`` is set; otherwise to the service's own
    account pages at ``SITE_URL``, so that every link works out of the box.
    """
    frontend_path, own_path = LINK_PATHS[page]
    if settings.FRONTEND_URL:
        base = f"{settings.FRONTEND_URL}{frontend_path}"
    else:
        base = f"{settings.SITE_URL}{own_path}"
    return f"{base}?{urlencode(query)}" if query else base


def _verify_email(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    if user.email_verified:
        return None
    key = keys.make_verification_key(user)
    return user.email, {"link": account_link("verify_email", key=key)}


def _password_reset(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    link = account_link(
        "reset_password", uid=keys.make_reset_uid(user), token=keys.make_reset_token(user)
    )
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return user.email, {"link": link, "minutes": minutes}


def _email_change_confirm(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    change = PendingEmailChange.objects.filter(pk=data["change_id"], user=user).first()
    if change is None:  # a newer request or a new password voided it meanwhile
        return None
    key = keys.make_email_change_key(change)
    link = account_link("confirm_email", key=key)
    return change.new_email, {"link": link, "new_email": change.new_email}


def _email_change_requested(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    return data["old_email"], {"new_email": data["new_email"]}


def _email_changed(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    return data["old_email"], {"new_email": data["new_email"]}


def _password_changed(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    return user.email, {"reset_link": account_link("reset_password")}


#: The changes of second factors that ``security_change`` tells of: security event types.
#: This app knows their names only (``accounts`` never imports ``mfa``).
SECURITY_CHANGES = frozenset(
    {
        SecurityEvent.Type.MFA_ENABLED,
        SecurityEvent.Type.MFA_DISABLED,
        SecurityEvent.Type.RECOVERY_CODES_REGENERATED,
        SecurityEvent.Type.PASSKEY_ADDED,
        SecurityEvent.Type.PASSKEY_REMOVED,
    }
)


def _security_change(user: User, data: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """A second factor was added or removed, or recovery codes renewed.

    ``data``: ``change`` (a :data:`SECURITY_CHANGES` type), and optionally ``name``
    (the passkey's), ``second_step`` (``off`` when sign-in no longer asks for a second
    factor) and ``by_staff`` (``yes`` when staff made the change).
    """
    change = data["change"]
    if change not in SECURITY_CHANGES:
        raise ValueError(f"Unknown security change {change!r}")
    return user.email, {
        "change": change,
        "name": data.get("name", ""),
        "second_step_off": data.get("second_step") == "off",
        "by_staff": data.get("by_staff") == "yes",
        "reset_link": f"{settings.FRONTEND_URL}/reset-password",
    }


BUILDERS: dict[str, Builder] = {
    "verify_email": _verify_email,
    "password_reset": _password_reset,
    "email_change_confirm": _email_change_confirm,
    "email_change_requested": _email_change_requested,
    "email_changed": _email_changed,
    "password_changed": _password_changed,
    "security_change": _security_change,
}


def message_language(user: User) -> str:
    """The language to write to ``user`` in: theirs, if the service speaks it."""
    if user.language in supported_languages():
        return user.language
    return settings.LANGUAGE_CODE


def build_message(kind: str, *, user: User, data: dict[str, str]) -> EmailMultiAlternatives | None:
    """Render the message ``kind`` for ``user``, or ``None`` if it no longer applies."""
    built = BUILDERS[kind](user, data)
    if built is None:
        return None
    recipient, context = built
    return render_message(
        kind, to=recipient, language=message_language(user), context={"user": user, **context}
    )


def render_message(
    template: str, *, to: str, language: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """Render subject, text and HTML parts of ``template`` in ``language``."""
    prefix = f"accounts/email/{template}"
    with translation.override(language):
        context = {
            **context,
            "language_code": language,
            "language_bidi": translation.get_language_bidi(),
            "home_link": account_link("home"),
        }
        subject: str = render_to_string(f"{prefix}_subject.txt", context)
        text = render_to_string(f"{prefix}_body.txt", context)
        html = render_to_string(f"{prefix}_body.html", context)
    # A header line cannot hold a line break; templates end with one.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message
