"""A service installed without the Makefile answers in Arabic, or refuses to deploy.

The files git ships are copied to a folder of their own: tracked and not-yet-added ones,
never the ignored (what a clone or a container build gets: no ``.venv``, nothing that
``make`` built and git ignores). Their locked
dependencies installed with ``uv sync --locked --no-dev`` alone (offline, from uv's
cache), and gunicorn started from that environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from http import HTTPStatus
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from core.tests.servers import gunicorn, production_env, run

BASE_DIR = Path(settings.BASE_DIR)


def _uv() -> str:
    """The uv that ``make install`` puts in .tools, else one on the PATH."""
    uv = BASE_DIR / ".tools" / "bin" / "uv"
    found = str(uv) if uv.is_file() else shutil.which("uv")
    assert found, "uv is needed: run `make install` first"
    return found


def _copy_tracked_files(destination: Path) -> None:
    git = shutil.which("git")
    assert git, "git is needed to know which files the repository ships"
    listed = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = BASE_DIR / name
        if source.is_file():  # a file deleted in the work tree is not shipped
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def _arabic_of(message: str) -> str:
    with (BASE_DIR / "locale" / "ar" / "LC_MESSAGES" / "django.po").open("rb") as source:
        translation = read_po(source)[message]
    assert translation is not None, f"{message!r} is not in the service's own catalog"
    return str(translation.string)


@pytest.mark.slow
def test_a_plain_uv_install_answers_in_arabic_and_without_catalogs_fails_check_deploy(
    tmp_path,
) -> None:
    service = tmp_path / "service"
    _copy_tracked_files(service)
    env = production_env(tmp_path)
    env.update(
        UV_OFFLINE="1",
        UV_PYTHON_DOWNLOADS="never",
        UV_PYTHON=os.environ.get("UV_PYTHON", "python3"),
        UV_PROJECT_ENVIRONMENT=str(service / ".venv"),
    )
    run([_uv(), "sync", "--locked", "--no-dev", "--quiet"], cwd=service, env=env)
    python = str(service / ".venv" / "bin" / "python")
    run([python, "manage.py", "check", "--deploy"], cwd=service, env=env)
    run([python, "manage.py", "migrate", "--noinput", "--verbosity", "0"], cwd=service, env=env)

    log = tmp_path / "gunicorn.log"
    with gunicorn(bin_dir=service / ".venv" / "bin", cwd=service, env=env, log=log) as server:
        headers = {"Authorization": "Bearer"}  # a scheme without its token
        english = server.get("/auth/me/", {**headers, "Accept-Language": "en"})
        arabic = server.get("/auth/me/", {**headers, "Accept-Language": "ar"})

    assert english.status == arabic.status == HTTPStatus.UNAUTHORIZED
    message = json.loads(english.body)["detail"]
    assert json.loads(arabic.body) == {
        "detail": _arabic_of(message),
        "code": "invalid_authorization_header",
    }
    assert arabic.headers["content-language"] == "ar"

    for compiled in (service / "locale").rglob("*.mo"):
        compiled.unlink()
    refused = subprocess.run(
        [python, "manage.py", "check", "--deploy"],
        cwd=service,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode != 0
    assert "core.E001" in refused.stderr
