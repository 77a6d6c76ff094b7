"""Logging filters: one line per failure in the operator's log, never a trace for an outage."""

from __future__ import annotations

import logging


class SkipServiceUnavailable(logging.Filter):
    """Drop Django's own record of a 503 answer (``django.request``).

    Every 503 of the service is decided by code that has already logged why, in one line:
    the database does not answer (``core.errors``), the shared cache refused a revocation
    (``accounts.security.cache``), the readiness check failed (``core.health``). Django
    would log the same answer again, and with the whole traceback when the outage
    surfaced outside a DRF view (the admin, a middleware): an outage is not a bug, and a
    traceback per request would bury the one line that says what is down.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 503
