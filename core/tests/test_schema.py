"""The OpenAPI document and the offline Swagger UI."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
import yaml

pytestmark = pytest.mark.django_db

SEED_PATHS = {
    "/auth/": {"post"},
    "/auth/login/": {"post"},
    "/auth/logout/": {"get", "post"},
    "/auth/me/": {"get"},
    "/auth/update_profile/": {"patch"},
    "/auth/csrf/": {"get"},
    "/health/live/": {"get"},
    "/health/ready/": {"get"},
}


def test_the_schema_documents_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    assert response.status_code == HTTPStatus.OK
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path, methods in SEED_PATHS.items():
        assert methods <= set(schema["paths"][path]), path


def test_the_docs_page_loads_its_assets_from_the_service(client):
    response = client.get("/api/docs/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == HTTPStatus.OK
    assert "cdn" not in html.lower()
