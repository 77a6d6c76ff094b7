"""The admin's and the API docs' assets are served by the service itself.

Once collected (``make prod``) they are hashed and compressed; before that they are
still served, under their plain names.
"""

from __future__ import annotations

import gzip
import re
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from conftest import BrowserClient
from core.tests.servers import gunicorn, production_env, run

BASE_DIR = Path(settings.BASE_DIR)
HASH = r"\.[0-9a-f]{12}\."
ASSETS = {
    "/admin/login/": [rf"/static/admin/css/base{HASH}css", rf"/static/admin/css/login{HASH}css"],
    "/api/docs/": [
        rf"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui{HASH}css",
        rf"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle{HASH}js",
    ],
}


@pytest.mark.django_db
def test_before_collectstatic_the_assets_are_served_under_their_plain_names(
    client: BrowserClient,
) -> None:
    assert not settings.STATIC_COLLECTED  # the test run collects nothing into the tree
    html = client.get("/admin/login/").content.decode()
    assert 'href="/static/admin/css/base.css"' in html

    response = client.get("/static/admin/css/base.css")

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content).startswith(b"/*")  # type: ignore[attr-defined]


@pytest.mark.slow
def test_collected_assets_are_served_hashed_and_compressed_in_production(tmp_path) -> None:
    static_root = tmp_path / "static"
    env = production_env(tmp_path, STATIC_ROOT=str(static_root))
    manage = [sys.executable, "manage.py"]
    bin_dir = Path(sys.executable).parent

    run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=BASE_DIR, env=env)
    run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=BASE_DIR, env=env)
    assert (static_root / "staticfiles.json").is_file()

    with gunicorn(bin_dir=bin_dir, cwd=BASE_DIR, env=env, log=tmp_path / "gunicorn.log") as server:
        for page, patterns in ASSETS.items():
            html = server.get(page)
            assert html.status == HTTPStatus.OK, html.text
            for pattern in patterns:
                (url,) = set(re.findall(pattern, html.text))
                asset = server.get(url, {"Accept-Encoding": "gzip"})

                assert asset.status == HTTPStatus.OK, url
                assert asset.headers["content-encoding"] == "gzip", url
                assert "immutable" in asset.headers["cache-control"], url
                collected = static_root / url.removeprefix("/static/")
                assert gzip.decompress(asset.body) == collected.read_bytes(), url
