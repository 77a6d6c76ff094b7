"""Time a wrong-password check against each kind of wrapped legacy hash.

Run alone: ``python -m bench.legacy_hashes``. For each legacy format it prints the legacy
step alone and the whole check of the wrapped hash (the fastest of 7 runs: on a shared
machine noise only adds time), beside the current hash, which is also what an unknown
email or an expired password costs. The figures are in docs/security.md, "Legacy
password hashes".
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import argon2
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    MD5PasswordHasher,
    PBKDF2PasswordHasher,
    ScryptPasswordHasher,
)

from accounts.security.hashers import Argon2idPasswordHasher
from accounts.security.legacy_hashes import classify

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
SALT = "Zq3kPdR8wLx2aB7cD9eF1g"


def _old_argon2i() -> str:
    encoded = argon2.low_level.hash_secret(
        PASSWORD.encode(), SALT.encode(), time_cost=2, memory_cost=512, parallelism=2,
        hash_len=16, type=argon2.Type.I,
    ).decode()  # fmt: skip
    return "argon2" + encoded


LEGACY: dict[str, Callable[[], str]] = {
    "md5, salted (old imports)": lambda: MD5PasswordHasher().encode(PASSWORD, "a1976"),
    "sha1, salted (Django < 1.4)": lambda: (
        "sha1$a1976$"
        + hashlib.sha1(("a1976" + PASSWORD).encode(), usedforsecurity=False).hexdigest()
    ),
    "argon2i 512 KiB t=2 p=2 (argon2-cffi's first defaults)": _old_argon2i,
    **{
        f"pbkdf2_sha256 {iterations:,} (Django {release})": (
            lambda i=iterations: PBKDF2PasswordHasher().encode(PASSWORD, SALT, i)
        )
        for iterations, release in [
            (10_000, "1.4"),
            (20_000, "1.8"),
            (36_000, "1.11"),
            (100_000, "2.0"),
            (260_000, "3.2"),
            (600_000, "4.2"),
            (1_000_000, "5.2"),
        ]
    },
    "scrypt n=2^14 r=8 p=5 (Django's default)": lambda: ScryptPasswordHasher().encode(
        PASSWORD, SALT
    ),
    "argon2id 100 MiB t=2 p=8 (Django's default)": lambda: Argon2PasswordHasher().encode(
        PASSWORD, SALT
    ),
}


def _ms(step: Callable[[], object], repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    return min(seconds) * 1000


def main(repeat: int = 7) -> None:
    current = Argon2idPasswordHasher()
    current_ms = _ms(lambda: current.encode("wrong-password", current.salt()), repeat)
    print(f"current hash (= unknown email = expired password): {current_ms:.1f} ms")
    print("| legacy format | legacy step (ms) | wrapped check (ms) | x current |")
    print("|---|---:|---:|---:|")
    for name, make in LEGACY.items():
        legacy = make()
        _, wrapper = classify(legacy)
        assert wrapper is not None
        fields, _ = wrapper.split_legacy(legacy)
        wrapped = wrapper.wrap(legacy)
        step_ms = _ms(lambda w=wrapper, f=fields: w.legacy_digest("wrong-password", f), repeat)
        check_ms = _ms(lambda w=wrapper, e=wrapped: w.verify("wrong-password", e), repeat)
        print(f"| {name} | {step_ms:.2f} | {check_ms:.1f} | {check_ms / current_ms:.2f} |")


if __name__ == "__main__":
    main()
