"""Time one password hash with the product's hasher and with Django's defaults.

Run by ``bench/run.py`` (or alone: ``python -m bench.hashing``); prints one JSON object
mapping each hasher to its parameters and seconds per hash (median and best of a few).
A login verifies one hash, which costs the same as making it.
"""

from __future__ import annotations

import json
import statistics
import time

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

from accounts.security.hashers import Argon2idPasswordHasher

PASSWORD = "correct-horse-battery-staple"  # noqa: S105

HASHERS = {
    "product Argon2id": Argon2idPasswordHasher,
    "Django default Argon2": Argon2PasswordHasher,
    "Django default PBKDF2": PBKDF2PasswordHasher,
}


def describe(hasher: object) -> str:
    if isinstance(hasher, Argon2PasswordHasher):
        return (
            f"argon2id m={hasher.memory_cost // 1024} MiB t={hasher.time_cost} "
            f"p={hasher.parallelism}"
        )
    assert isinstance(hasher, PBKDF2PasswordHasher)
    return f"pbkdf2_sha256 {hasher.iterations:,} iterations"


def time_hashes(repeat: int = 7) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, hasher_class in HASHERS.items():
        hasher = hasher_class()
        encoded = hasher.encode(PASSWORD, hasher.salt())  # warm-up: loads the library
        seconds = []
        for _ in range(repeat):
            start = time.perf_counter()
            assert hasher.verify(PASSWORD, encoded)
            seconds.append(time.perf_counter() - start)
        results[name] = {
            "parameters": describe(hasher),
            "median_s": statistics.median(seconds),
            "best_s": min(seconds),
        }
    return results


if __name__ == "__main__":
    print(json.dumps(time_hashes()))
