"""Settings for every environment, read from the environment with development defaults.

Production is the same file with ``DEBUG=0`` and real values for the secrets and hosts;
nothing exists only in production (see README, "Configuration").
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env, origin_of

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of 50 or more characters when DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Where people reach this service: emails, rendered by the worker without a request,
# link to its account pages (``/account/...``) from here. Production sets its public
# HTTPS address (check ``accounts.W002``). ``localhost`` rather than 127.0.0.1 by default:
# browsers offer passkeys to a domain name, never to an IP address.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
# The product's own front end, if it has one: emailed links then go there, and its
# origin is allowed to call with credentials. Unset, the service's pages are the site.
FRONTEND_URL = env.str("FRONTEND_URL", default="").rstrip("/")
_FRONTEND_ORIGINS = [origin_of(FRONTEND_URL)] if FRONTEND_URL else []

INSTALLED_APPS = [
    # Django's admin with the service's sign-in (second factors): accounts/admin_site.py.
    "accounts.apps.AccountsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "mfa",
    "pages",
]

MIDDLEWARE = [
    # First: a foreign Host header is refused before anything reads it.
    "core.middleware.AllowedHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "accounts.middleware.SessionMiddleware",
    "core.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session, the language and the user are known, so a 413 is in the
    # user's language; before any view, so nothing has read the body yet.
    "core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Connections are reused: opening one per request cost a signed-in read 3/4 of its speed (PG).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL: readers run beside the one writer; IMMEDIATE: writers queue on the busy timeout
        # from BEGIN. A connection caches 512 KiB of pages, not 2 MiB (the OS caches the file).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA cache_size=-512;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "accounts",
            # Without timeouts an unreachable Redis would hold every request; with them
            # the service answers from the database (docs/security.md, "When Redis is down").
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    # Nothing shared lives in a cache without Redis: counters, sessions and revocations
    # are tables of the database, which every process shares. The per-process cache
    # only serves what Django itself may cache (``accounts.W001`` guards the rest).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions ------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.AccountBackend"]

# Legacy hashes (PBKDF2, scrypt, Argon2 with other parameters, SHA-1, MD5) are accepted
# only wrapped in Argon2id, ahead of any login: migration 0003 and
# `manage.py wrap_legacy_password_hashes` (docs/security.md, "Legacy password hashes").
# An unwrapped PBKDF2, scrypt, SHA-1 or MD5 hash is refused, in the time an unknown email
# takes; an Argon2 hash with other parameters still verifies (same algorithm name).
PASSWORD_HASHERS = [
    "accounts.security.hashers.Argon2idPasswordHasher",
    "accounts.security.hashers.WrappedPBKDF2PasswordHasher",
    "accounts.security.hashers.WrappedPBKDF2SHA1PasswordHasher",
    "accounts.security.hashers.WrappedScryptPasswordHasher",
    "accounts.security.hashers.WrappedArgon2PasswordHasher",
    "accounts.security.hashers.WrappedSHA1PasswordHasher",
    "accounts.security.hashers.WrappedMD5PasswordHasher",
]
PASSWORD_MAX_LENGTH = 256
AUTH_PASSWORD_VALIDATORS: list[dict[str, Any]] = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "accounts.security.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": PASSWORD_MAX_LENGTH},
    },
]

SESSION_ENGINE = "accounts.security.sessions.engine"
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=_FRONTEND_ORIGINS)
# The API's JSON refusal, or a page that says to reload for the account pages.
CSRF_FAILURE_VIEW = "pages.views.errors.csrf_failure"
# Where the account pages send a visitor who must sign in first.
LOGIN_URL = "pages:login"

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=_FRONTEND_ORIGINS)
CORS_ALLOW_CREDENTIALS = True

# --- Transport security ---------------------------------------------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# For the HTML pages (admin, API docs, account pages); every asset they use is served by
# the service.
# Inline styles are allowed: Swagger UI sets them, and a style cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# How many proxies in front of the service append to X-Forwarded-For. 0 (the default)
# ignores the header, so a client cannot choose the address that limits count against.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# --- Requests -------------------------------------------------------------------------

REQUEST_BODY_MAX_BYTES = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
APPEND_SLASH = False  # a POST without its slash would lose its body on redirect

# --- Abuse resistance (docs/security.md, "Abuse resistance") ----------------------------

# Per email, registered or not: failed logins allowed in a window of this many seconds.
ACCOUNTS_LOGIN_FAILURE_LIMIT = env.int("ACCOUNTS_LOGIN_FAILURE_LIMIT", default=5)
ACCOUNTS_LOGIN_FAILURE_WINDOW = env.int("ACCOUNTS_LOGIN_FAILURE_WINDOW", default=300)
# Per signed-in account: failed re-checks of the password or a code (change_password,
# change_email, delete_account, reauthenticate, second factors) allowed in a window.
ACCOUNTS_RECHECK_FAILURE_LIMIT = env.int("ACCOUNTS_RECHECK_FAILURE_LIMIT", default=5)
ACCOUNTS_RECHECK_FAILURE_WINDOW = env.int("ACCOUNTS_RECHECK_FAILURE_WINDOW", default=300)
# Request limits by scope, as "<count>/<period>" ("30/min", "1/3min"); the scope names
# the action, and accounts/security/limits.py says what each one counts per.
THROTTLE_RATES = {
    "login": env.str("THROTTLE_LOGIN", default="30/min"),
    "login_failure": env.str("THROTTLE_LOGIN_FAILURE", default="10/min"),
    "register": env.str("THROTTLE_REGISTER", default="20/min"),
    "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="20/min"),
    "password_reset_email": env.str("THROTTLE_PASSWORD_RESET_EMAIL", default="5/min"),
    "verification_resend": env.str("THROTTLE_VERIFICATION_RESEND", default="1/3min"),
    "email_send": env.str("THROTTLE_EMAIL_SEND", default="20/min"),
    "email_change": env.str("THROTTLE_EMAIL_CHANGE", default="5/hour"),
}

REST_FRAMEWORK = {
    # Bearer first: its scheme is the one named in every 401's WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "accounts.schema.AutoSchema",  # drf-spectacular's, loaded late
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Accounts API",
    "DESCRIPTION": "Who the users of the personal-finance product are: registration, "
    "login, profile, sessions and account lifecycle.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    # No call to the public validator: the docs work offline and under the CSP.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["accounts.schema.load_generator"],  # see accounts/schema.py
}

# --- Outgoing email and background tasks ---------------------------------------------

# Email leaves through the task worker (``manage.py db_worker``), never inside a request.
# The queue is a table in the main database: it survives restarts and needs no broker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# ``EMAIL_URL`` (``smtp+tls://user:password@host:587`` for STARTTLS, ``smtp+ssl://...``
# for implicit TLS, ``smtp://host:25``, ``consolemail://``) or
# Django's own ``EMAIL_HOST``/``EMAIL_PORT``/...; with neither, messages are printed
# by the worker (console backend), which is the development default.
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
    EMAIL_PORT = _email.get("EMAIL_PORT") or 25
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
    if _email.get("EMAIL_FILE_PATH"):
        EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A stalled SMTP server must not hold the worker forever; a timeout is retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Accounts <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Password reset links (Django's token generator) are valid for one hour.
PASSWORD_RESET_TIMEOUT = 3600

# --- Language -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
# The account pages' language switch keeps an anonymous visitor's choice in this cookie.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------

# Served by the service (WhiteNoise), never a CDN. `manage.py collectstatic` (`make prod`)
# copies them to STATIC_ROOT hashed and gzipped, with a manifest: served for a year.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").is_file()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "core.staticfiles.CollectedStaticFilesStorage"
    },
}
# Straight from the apps' folders while developing, or when nothing was collected (the
# tests; a process started without `make prod`): plain names, still working pages.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_COLLECTED
if not STATIC_COLLECTED:
    # Nothing collected yet is expected then, not a problem worth a warning per process.
    warnings.filterwarnings("ignore", message=f"No directory at: {re.escape(str(STATIC_ROOT))}")

# --- Accounts -------------------------------------------------------------------------

ACCOUNTS_EMAIL_VERIFICATION = env.str("ACCOUNTS_EMAIL_VERIFICATION", default="optional")
ACCOUNTS_SESSION_IDLE_TIMEOUT = env.int("ACCOUNTS_SESSION_IDLE_TIMEOUT", default=24 * 3600)
ACCOUNTS_SESSION_CACHE = "default" if REDIS_URL else None
ACCOUNTS_TOKEN_TTL = env.int("ACCOUNTS_TOKEN_TTL", default=30 * 24 * 3600)
ACCOUNTS_EMAIL_MAX_ATTEMPTS = env.int("ACCOUNTS_EMAIL_MAX_ATTEMPTS", default=5)
ACCOUNTS_EMAIL_RETRY_DELAY = env.int("ACCOUNTS_EMAIL_RETRY_DELAY", default=60)
# Staff without a second factor stay out of the admin until they add one.
ACCOUNTS_ADMIN_REQUIRE_MFA = env.bool("ACCOUNTS_ADMIN_REQUIRE_MFA", default=not DEBUG)

# --- Second factors (docs/mfa.md) -----------------------------------------------------

# The name authenticator apps show beside the account, and passkey prompts show as the site.
ACCOUNTS_MFA_ISSUER = env.str("ACCOUNTS_MFA_ISSUER", default="Accounts")
ACCOUNTS_WEBAUTHN_RP_NAME = env.str("ACCOUNTS_WEBAUTHN_RP_NAME", default=ACCOUNTS_MFA_ISSUER)
# Empty: the host and the origin of FRONTEND_URL, else of SITE_URL (mfa/app_settings.py). A
# list replaces that default, so a native app's origin (``android:apk-key-hash:...``) comes
# with the web one.
ACCOUNTS_WEBAUTHN_RP_ID = env.str("ACCOUNTS_WEBAUTHN_RP_ID", default="")
ACCOUNTS_WEBAUTHN_ORIGINS = env.list("ACCOUNTS_WEBAUTHN_ORIGINS", default=[])

# --- Logging --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"skip_service_unavailable": {"()": "core.logs.SkipServiceUnavailable"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # 4xx answers are the client's business; they are not operator warnings. A 503
        # was logged, in one line, by the code that decided it (core/logs.py).
        "django.request": {"level": "ERROR", "filters": ["skip_service_unavailable"]},
    },
}
