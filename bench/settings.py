"""Benchmark overlay: the production settings plus the ceiling views' URLconf.

Only two knobs differ from ``config.settings.base``, and only when the benchmark sets
them on a second server: ``BENCH_SESSION_ENGINE`` (Django's own database engine, for
the session-authenticated ceiling) and ``BENCH_PASSWORD_HASHER`` (to measure what a
login costs with another hasher). Everything else, middleware included, is the product's.
"""

from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import PASSWORD_HASHERS, SESSION_ENGINE

ROOT_URLCONF = "bench.urls"

SESSION_ENGINE = env.str("BENCH_SESSION_ENGINE", default=SESSION_ENGINE)

_hasher = env.str("BENCH_PASSWORD_HASHER", default="")
if _hasher:
    PASSWORD_HASHERS = [_hasher, *(h for h in PASSWORD_HASHERS if h != _hasher)]
