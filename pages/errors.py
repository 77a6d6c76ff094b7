"""How a refusal from a flow reaches a person: as errors on the form they submitted."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from core.exceptions import ServiceError


def show_error(form: forms.Form, error: ServiceError) -> None:
    """Put ``error`` on ``form``: on the field it names, else above the whole form.

    A field the person cannot see (the key of a link, carried in a hidden input) has
    its refusal shown above the form too.
    """
    form.is_valid()  # ``add_error`` needs the form cleaned; a refusal may come first
    fields = error.field_errors()
    if fields is None:
        form.add_error(None, ValidationError(error.message, code=error.code))
        return
    for name, items in fields.items():
        field = form.fields.get(name)
        target = name if field is not None and not field.widget.is_hidden else None
        for message, code in items:
            form.add_error(target, ValidationError(message, code=code))


def status_of(error: ServiceError) -> int:
    """The status of a page that shows ``error``: the flow's, but never 401.

    A 401 asks for HTTP authentication (``WWW-Authenticate``); a sign-in form that
    refuses a password is a 400, the page is still there.
    """
    return 400 if error.status_code == 401 else error.status_code


def with_retry_after(response: HttpResponse, error: ServiceError) -> HttpResponse:
    """Tell the browser (and tests) when a throttled or locked form may be sent again."""
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response
