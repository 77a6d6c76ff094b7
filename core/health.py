"""Liveness and readiness for the load balancer and the orchestrator."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.cache import CACHE_ERRORS, redis_configured

logger = logging.getLogger(__name__)

_checks_schema = inline_serializer(
    "HealthChecks",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded", "unavailable"]),
        "checks": serializers.DictField(child=serializers.CharField()),
    },
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class LiveView(HealthView):
    """200 while the process can answer at all."""

    @extend_schema(responses={200: _checks_schema}, tags=["health"])
    def get(self, request: Request) -> Response:
        return Response({"status": "ok", "checks": {}})


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row: tuple[object, ...] | None = cursor.fetchone()
            return row == (1,)
    except DatabaseError as exc:
        logger.warning("readiness: the database does not answer: %s", " ".join(str(exc).split()))
        return False


def _cache_answers() -> bool:
    try:
        cache.set("health:ready", "1", timeout=10)
        value: object = cache.get("health:ready")
        return value == "1"
    except CACHE_ERRORS as exc:
        logger.warning("readiness: the cache does not answer: %s", exc)
        return False


class ReadyView(HealthView):
    """Whether this server can serve: 503 only when the database does not answer.

    Without Redis the service still answers (counters and sessions fall back to the
    database; changes that must reach every server's cache are refused with 503), so a
    cache outage is reported as ``degraded`` and keeps the server in the balancer:
    taking every server out for it would turn a partial outage into a full one.
    """

    @extend_schema(responses={200: _checks_schema, 503: _checks_schema}, tags=["health"])
    def get(self, request: Request) -> Response:
        checks = {"database": "ok" if _database_answers() else "unavailable"}
        if redis_configured():
            checks["cache"] = "ok" if _cache_answers() else "degraded"
        if checks["database"] != "ok":
            status = "unavailable"
        elif "degraded" in checks.values():
            status = "degraded"
        else:
            status = "ok"
        response = Response(
            {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
        )
        if status == "unavailable":
            response["Retry-After"] = "5"
        return response
