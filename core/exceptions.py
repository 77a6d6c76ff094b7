"""The service's errors: what a refusal means, its status, its stable code and its message.

Flows and mechanisms raise :class:`ServiceError` subclasses; they know nothing of HTTP
or of Django REST framework. One handler, ``core.errors``, turns them into the JSON the
API answers; the account pages turn field errors into form errors. Messages are lazy,
so they are rendered in the language active when the answer is built.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as Message
else:
    Message = str

#: ``{field: [(message, code), ...]}``, the layout of errors tied to input fields.
FieldErrorList = dict[str, list[tuple["Message", str]]]


class ServiceError(Exception):
    """A refusal the client should read: an HTTP status, a stable code and a message.

    Subclasses set ``status_code``, ``default_message`` and ``default_code``; a refusal
    that belongs to one input field sets ``field`` too, and is rendered in Django REST
    framework's field layout (``{"email": ["…"], "codes": {"email": ["email_taken"]}}``).
    """

    status_code: ClassVar[int] = 400
    default_message: ClassVar[Message] = _("Invalid input.")
    default_code: ClassVar[str] = "invalid"
    #: The key of the message in the body: ``detail``, or the seed's ``message``.
    message_key: ClassVar[str] = "detail"
    #: The input field the refusal belongs to, if any.
    default_field: ClassVar[str | None] = None

    def __init__(
        self,
        message: Message | None = None,
        *,
        field: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.message: Message = self.default_message if message is None else message
        self.code = self.default_code
        self.field = field or self.default_field
        #: Seconds until trying again may succeed (the ``Retry-After`` header).
        self.retry_after = None if retry_after is None else max(1, math.ceil(retry_after))
        #: What the client needs beside the message to go on (``mfa_token``, ``methods``).
        self.extra: dict[str, Any] = {}
        super().__init__(self.code)

    def field_errors(self) -> FieldErrorList | None:
        """The refusal in the field layout, or ``None`` when it is about no field."""
        if self.field is None:
            return None
        return {self.field: [(self.message, self.code)]}


class FieldErrors(ServiceError):
    """Several refusals tied to input fields at once (a weak password, a form left short)."""

    default_code = "invalid"

    def __init__(self, errors: Mapping[str, Sequence[tuple[Message, str]]]) -> None:
        super().__init__()
        self.errors: FieldErrorList = {field: list(items) for field, items in errors.items()}

    def field_errors(self) -> FieldErrorList:
        return self.errors

    @classmethod
    def from_validation_error(cls, field: str, error: ValidationError) -> FieldErrors:
        """Report Django's validation messages (password validators, say) on ``field``."""
        return cls(
            {
                field: [
                    (item.message % item.params if item.params else item.message, item.code or "")
                    for item in error.error_list
                ]
            }
        )


class NotFound(ServiceError):
    """No such object among the caller's own: another user's id is answered the same way."""

    status_code = 404
    default_message = _("Not found.")
    default_code = "not_found"


class RateLimited(ServiceError):
    """Too many requests: refused until the window ends, with ``Retry-After``.

    The message states the wait in words that read correctly in every language (Arabic
    has six plural forms), so it is formatted here rather than by Django REST framework.
    """

    status_code = 429
    default_message = _("Too many requests. Try again later.")
    default_code = "throttled"

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__(retry_after=retry_after)
        if self.retry_after is not None:
            self.message = ngettext(
                "Too many requests. Try again in %(wait)d second.",
                "Too many requests. Try again in %(wait)d seconds.",
                self.retry_after,
            ) % {"wait": self.retry_after}


class ServiceUnavailable(ServiceError):
    """A dependency (the database, the shared cache) cannot do what the request needs.

    Nothing was changed; the client may retry after ``Retry-After`` seconds.
    """

    status_code = 503
    default_message = _("The service is briefly unavailable. Try again shortly.")
    default_code = "service_unavailable"

    def __init__(self, retry_after: float = 5) -> None:
        super().__init__(retry_after=retry_after)


class PayloadTooLarge(ServiceError):
    status_code = 413
    default_message = _("The request body is too large.")
    default_code = "payload_too_large"


class ServerError(ServiceError):
    status_code = 500
    default_message = _("Server error.")
    default_code = "server_error"


def describe(error: ServiceError) -> dict[str, Any]:
    """Render ``error`` as the JSON body that clients read, in the active language."""
    fields = error.field_errors()
    if fields is None:
        return {error.message_key: str(error.message), "code": error.code, **error.extra}
    return {
        **{field: [str(message) for message, _code in items] for field, items in fields.items()},
        "codes": {field: [code for _message, code in items] for field, items in fields.items()},
    }
