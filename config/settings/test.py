"""Test overlay: production behaviour (DEBUG off) with a fast hasher and a file database."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.env import BASE_DIR
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, PASSWORD_HASHERS

# Hashing cost is measured in the benchmark; tests that need the real hasher say so.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared memory, so that concurrent tests see SQLite's real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# Tests switch the cache to Redis at run time (a server that is down, a client shared with
# the counters): the Redis errors are caught in this process even without REDIS_URL.
CACHE_MAY_BE_REDIS = True
