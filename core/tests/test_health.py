"""/health/live/ and /health/ready/."""

from __future__ import annotations

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def test_live_answers_while_the_process_runs(client):
    response = client.get("/health/live/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "checks": {}}


def test_ready_checks_the_database(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/health/ready/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_ready_stays_200_and_names_an_unreachable_cache_degraded(client, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }

    response = client.get("/health/ready/")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "degraded"},
    }


def test_health_needs_no_credentials_and_no_https_redirect(client):
    response = client.get("/health/live/", secure=False)

    assert response.status_code == HTTPStatus.OK
