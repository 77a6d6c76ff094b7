"""Settings come from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Each test starts ``manage.py`` in a process of its own, with the settings under test.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PROD_KEY = secrets.token_urlsafe(50)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "SECURE_SSL_REDIRECT",
            "SITE_URL",
            "FRONTEND_URL",
        }
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.base", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_the_development_secret_key():
    result = run_manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=PROD_KEY,
        SITE_URL="https://accounts.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_public_site_url_fails_check_deploy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=PROD_KEY
    )

    assert result.returncode != 0
    assert "accounts.W002" in result.stderr


def test_a_front_end_takes_the_links_so_the_site_url_may_stay_local():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=PROD_KEY,
        FRONTEND_URL="https://app.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_site_url_that_is_not_a_url_stops_the_start_up():
    result = run_manage("check", SITE_URL="accounts.example.com")

    assert result.returncode != 0
    assert "accounts.E004" in result.stderr


def test_the_front_end_origin_is_the_default_for_cors_and_csrf():
    code = (
        "from django.conf import settings as s;"
        "print(s.CORS_ALLOWED_ORIGINS, s.CSRF_TRUSTED_ORIGINS)"
    )
    with_front_end = run_manage(
        "shell", "--no-imports", "-c", code, FRONTEND_URL="https://app.example.com/budget/"
    )
    without = run_manage("shell", "--no-imports", "-c", code)

    assert with_front_end.stdout.split() == ["['https://app.example.com']"] * 2
    assert without.stdout.split() == ["[]", "[]"]


def test_production_turns_on_transport_security():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, DEBUG="0", SECRET_KEY=PROD_KEY)

    assert result.stdout.split() == ["31536000", "True", "True", "True", "False"]


def test_the_first_password_hasher_of_the_base_settings_is_argon2id():
    code = (
        "from django.contrib.auth.hashers import get_hasher, make_password;"
        "print(make_password('x').split('$')[:3])"
    )
    result = run_manage("shell", "--no-imports", "-c", code)

    assert result.stdout.strip() == "['argon2', 'argon2id', 'v=19']", result.stderr


def test_database_and_cache_come_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "d = s.DATABASES['default']; c = s.CACHES['default'];"
        "print(d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'], c['BACKEND'], c['LOCATION'])"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/accounts_x",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "accounts_x",
        "600",
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/3",
    ], result.stderr


def test_the_embedded_default_keeps_nothing_shared_in_a_cache():
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.ACCOUNTS_SESSION_CACHE)"
    )
    result = run_manage("shell", "--no-imports", "-c", code)

    # Counters, sessions and revocations are tables of the database, shared by every
    # process; the per-process cache holds nothing another process needs.
    assert result.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "None"]


def test_password_rules_match_the_contract():
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]

    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "MaximumLengthValidator",
    ]
