"""The one request body format the service accepts."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with messages in the request's language.

    DRF's own message quotes Python's decoder, in English whatever the language; this
    one says where the document breaks. Documents nested too deep for Python's decoder
    are refused too. The code stays DRF's ``parse_error``.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON document is nested too deeply.")) from exc
        except ParseError as exc:
            cause = exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                message = _("The body is not valid JSON (line %(line)d, column %(column)d).") % {
                    "line": cause.lineno,
                    "column": cause.colno,
                }
            else:
                message = _("The body is not valid JSON.")
            raise ParseError(message) from cause
