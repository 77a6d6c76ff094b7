"""Django's record of an answer is dropped only for a 503, which its cause has logged."""

from __future__ import annotations

import logging

import pytest

from core.logs import SkipServiceUnavailable


def record_of(status: int) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", None, None)
    record.status_code = status
    return record


@pytest.mark.parametrize(("status", "kept"), [(503, False), (500, True), (502, True)])
def test_django_request_records_are_dropped_only_for_a_503(status, kept):
    assert SkipServiceUnavailable().filter(record_of(status)) is kept


def test_records_without_a_status_are_kept():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", None, None)

    assert SkipServiceUnavailable().filter(record) is True


def test_the_filter_is_on_djangos_request_logger():
    logger = logging.getLogger("django.request")

    assert any(isinstance(f, SkipServiceUnavailable) for f in logger.filters)
