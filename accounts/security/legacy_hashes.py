"""Finding the legacy password hashes among stored ones, and wrapping them in place.

Used by migration ``0005`` ahead of any login and by
``manage.py wrap_legacy_password_hashes`` for hashes imported later
(``accounts.security.hashers`` holds the hashers themselves).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import argon2
from django.db.models import QuerySet

from accounts.security.hashers import (
    Argon2idPasswordHasher,
    WrappedPasswordHasher,
    wrapper_for,
    wrapper_of,
)


def classify(encoded: str) -> tuple[str, WrappedPasswordHasher | None]:
    """Say what a stored hash is: ``current``, ``wrapped``, ``legacy``, ``unusable``, ``unknown``.

    Returns:
        The kind, and the wrapper that wraps a legacy hash or checks a wrapped one.
    """
    if not encoded or encoded.startswith("!"):
        return "unusable", None
    if wrapper := wrapper_of(encoded):
        return "wrapped", wrapper
    algorithm = encoded.split("$", 1)[0] if "$" in encoded else "md5"
    wrapper = wrapper_for(algorithm)
    if wrapper is None:
        return "unknown", None
    if algorithm == Argon2idPasswordHasher.algorithm:
        try:
            if Argon2idPasswordHasher().has_current_parameters(encoded):
                return "current", None
        except argon2.exceptions.InvalidHashError:
            return "unknown", None
    return "legacy", wrapper


def iter_stored_hashes(users: QuerySet[Any], *, batch_size: int) -> Iterator[tuple[Any, str]]:
    """Yield ``(pk, password)`` of ``users`` in primary-key order, one query a batch."""
    rows = users.order_by("pk").values_list("pk", "password")
    last_pk = None
    while batch := list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:batch_size]):
        last_pk = batch[-1][0]
        yield from batch


def wrap_legacy_hashes(
    users: QuerySet[Any], *, batch_size: int = 500, dry_run: bool = False
) -> Counter[str]:
    """Wrap every legacy hash among ``users``, a batch at a time; count what was found.

    Each row is written only if its hash is still the one read (a login or a reset
    may have replaced it meanwhile), so this is safe to run on a live service and,
    being idempotent, to run again after an interruption.

    Returns:
        Counts keyed ``current``, ``wrapped`` (already), ``unusable``, ``unknown`` (a
        format nothing here can check), ``malformed`` (a legacy algorithm's name on a
        hash that cannot be checked), ``changed`` (replaced while being wrapped) and
        ``wrapped <legacy algorithm>`` for each hash wrapped now.
    """
    counts: Counter[str] = Counter()
    for pk, encoded in iter_stored_hashes(users, batch_size=batch_size):
        kind, wrapper = classify(encoded)
        if kind != "legacy":
            counts[kind] += 1
            continue
        assert wrapper is not None
        try:
            wrapped = wrapper.wrap(encoded)
        except ValueError:
            counts["malformed"] += 1
            continue
        # No transaction here: each row commits alone, so no lock is held while the
        # next hash is computed (about 20 ms each).
        if dry_run or users.filter(pk=pk, password=encoded).update(password=wrapped):
            counts[f"wrapped {wrapper.legacy_algorithm}"] += 1
        else:
            counts["changed"] += 1
    return counts
