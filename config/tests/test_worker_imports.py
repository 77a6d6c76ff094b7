"""A worker starts without the libraries that only a few requests or commands need.

Each of these costs a worker's resident memory for its whole life (docs/benchmarks.md,
"Memory"); they are loaded by the first request that uses them instead. A process of its
own, as gunicorn's worker does: settings, ``django.setup()``, the URLconf and the WSGI
application, on the embedded default (SQLite, no Redis).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

LOADED_LATER = [
    "redis",  # with REDIS_URL only
    "webauthn",  # the first passkey ceremony
    "cryptography",  # the first sealed second-factor secret
    "segno",  # the first QR code
    "babel.messages",  # the deploy check of the catalogs
    "drf_spectacular.openapi",  # the first schema
    "django.test",  # drf-spectacular's generator imports it
    "django.contrib.postgres.fields",  # only DRF's compat module would
    "psycopg",  # the same, on SQLite
    "yaml",
    "pygments",
]

STARTUP = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from django.core.wsgi import get_wsgi_application
get_wsgi_application()
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
def test_a_worker_starts_without_what_few_requests_need(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    output = subprocess.run(
        [sys.executable, "-c", STARTUP],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    modules = set(json.loads(output))

    assert [name for name in LOADED_LATER if name in modules] == []


def test_the_schema_is_made_by_drf_spectacular_with_the_services_extensions(client):
    from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

    from accounts.schema import AutoSchema

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert issubclass(AutoSchema, SpectacularAutoSchema)
    assert set(schema["components"]["securitySchemes"]) == {"sessionCookie", "bearerToken"}
    assert schema["components"]["securitySchemes"]["sessionCookie"]["name"] == (
        settings.SESSION_COOKIE_NAME
    )
