"""Password hashing parameters."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's baseline cost: 19 MiB of memory, 2 passes, 1 lane.

    Django's default (100 MiB, 8 lanes) costs more memory per login than a server
    running several workers can afford under a credential-stuffing burst; the cost
    per login on the reference machine is in docs/benchmarks.md. The algorithm name
    stays ``argon2``, so hashes made with other parameters still verify and are
    re-hashed with these at the next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
