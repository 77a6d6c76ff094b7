"""Liveness and readiness for the load balancer and the orchestrator."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger(__name__)

_checks_schema = inline_serializer(
    "HealthChecks",
    {
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
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
    except Exception:
        logger.exception("readiness: the database does not answer")
        return False


def _cache_answers() -> bool:
    try:
        cache.set("health:ready", "1", timeout=10)
        value: object = cache.get("health:ready")
        return value == "1"
    except Exception:
        logger.exception("readiness: the cache does not answer")
        return False


class ReadyView(HealthView):
    """200 when the database (and Redis, where configured) answer; else 503 naming them."""

    @extend_schema(responses={200: _checks_schema, 503: _checks_schema}, tags=["health"])
    def get(self, request: Request) -> Response:
        checks = {"database": _database_answers()}
        if settings.REDIS_URL:
            checks["cache"] = _cache_answers()
        ready = all(checks.values())
        return Response(
            {
                "status": "ok" if ready else "unavailable",
                "checks": {name: "ok" if up else "unavailable" for name, up in checks.items()},
            },
            status=200 if ready else 503,
        )
