"""``manage.py wrap_legacy_password_hashes``: bring imported hashes to the current hasher.

Run it after importing users (migration 0003 did the same for the hashes present when
it ran). It wraps every legacy hash in Argon2id, then reports, for each kind of wrapped
hash, how long its legacy step takes beside a current hash: that extra time is what a
login with a wrong password still shows. ``--expire-slower-than MS`` makes the passwords
whose legacy step takes longer unusable: their login then costs what an unknown email
costs, and their owners set a new password through a reset. See docs/security.md,
"Legacy password hashes".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from accounts.models import User
from accounts.security.hashers import Argon2idPasswordHasher, WrappedPasswordHasher
from accounts.security.legacy_hashes import classify, iter_stored_hashes, wrap_legacy_hashes

GroupKey = tuple[str, tuple[str, ...]]


@dataclass
class _Group:
    """Wrapped hashes whose legacy step costs the same: one algorithm and cost parameters."""

    label: str
    wrapper: WrappedPasswordHasher
    fields: list[str]  # one member's legacy fields, to time the legacy step with
    count: int = 0
    ms: float = 0.0


def _time_ms(step: Callable[[], object]) -> float:
    """The fastest of up to three runs (fewer past a quarter second), in milliseconds.

    Noise only ever adds time, so the fastest run is the best estimate of the cost.
    """
    runs: list[float] = []
    while len(runs) < 3 and sum(runs) < 0.25:
        start = time.perf_counter()
        step()
        runs.append(time.perf_counter() - start)
    return min(runs) * 1000


def _ms(ms: float) -> str:
    """Milliseconds, with the digits that matter beside a threshold such as 0.5."""
    return f"{ms:.1f}" if ms >= 1 else f"{ms:.3f}"


class Command(BaseCommand):
    help = (
        "Wrap every legacy password hash in Argon2id, report what each kind adds to a "
        "login, and optionally expire the passwords whose legacy step is too slow."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Users read per query (500)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count and time, but write nothing."
        )
        parser.add_argument(
            "--expire-slower-than",
            type=float,
            metavar="MS",
            help=(
                "Make unusable the passwords whose legacy step takes longer than MS "
                "milliseconds on this machine; their owners must reset them."
            ),
        )

    def handle(
        self,
        *args: Any,
        batch_size: int,
        dry_run: bool,
        expire_slower_than: float | None,
        **options: Any,
    ) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if expire_slower_than is not None and expire_slower_than < 0:
            raise CommandError("--expire-slower-than must not be negative.")
        users = User.objects.all()
        would = "would be " if dry_run else ""
        if dry_run:
            self.stdout.write("Dry run: nothing is written.")

        counts = wrap_legacy_hashes(users, batch_size=batch_size, dry_run=dry_run)
        wrapped_now = {k.split(" ", 1)[1]: n for k, n in counts.items() if k.startswith("wrapped ")}
        detail = ", ".join(f"{algorithm} {n}" for algorithm, n in sorted(wrapped_now.items()))
        self.stdout.write(
            f"{sum(wrapped_now.values())} {would}wrapped now{f' ({detail})' if detail else ''}; "
            f"{counts['wrapped']} already wrapped, {counts['current']} current, "
            f"{counts['unusable']} unusable, {counts['unknown']} in an unknown format, "
            f"{counts['malformed']} malformed, {counts['changed']} changed meanwhile."
        )

        groups = self._group(users, batch_size=batch_size)
        hasher = Argon2idPasswordHasher()
        current_ms = _time_ms(lambda: hasher.encode("x" * 16, hasher.salt()))
        self.stdout.write(
            f"Current hash (Argon2id m={hasher.memory_cost} t={hasher.time_cost} "
            f"p={hasher.parallelism}): {_ms(current_ms)} ms."
        )
        for group in sorted(groups.values(), key=lambda g: g.label):
            group.ms = _time_ms(partial(group.wrapper.legacy_digest, "x" * 16, group.fields))
            self.stdout.write(
                f"  {group.label}: {group.count} hashes, legacy step {_ms(group.ms)} ms "
                f"(its check takes {(current_ms + group.ms) / current_ms:.2f}x a current hash)"
            )

        if expire_slower_than is not None:
            costly = {key for key, group in groups.items() if group.ms > expire_slower_than}
            expired = self._expire(users, costly, batch_size=batch_size, dry_run=dry_run)
            self.stdout.write(
                f"{expired} {would}expired: passwords whose legacy step takes more than "
                f"{expire_slower_than:g} ms; their owners must reset them."
            )

    def _wrapped(
        self, users: QuerySet[User], *, batch_size: int
    ) -> Iterator[tuple[Any, str, GroupKey, WrappedPasswordHasher, list[str]]]:
        """Each wrapped hash (or, in a dry run, one still to wrap) with its cost group."""
        for pk, encoded in iter_stored_hashes(users, batch_size=batch_size):
            kind, wrapper = classify(encoded)
            if wrapper is None:
                continue
            try:
                fields = (
                    wrapper.unwrap(encoded)[0]
                    if kind == "wrapped"
                    else wrapper.split_legacy(encoded)[0]
                )
            except ValueError:
                continue
            key = (wrapper.algorithm, wrapper.cost_parameters(fields))
            yield pk, encoded, key, wrapper, fields

    def _group(self, users: QuerySet[User], *, batch_size: int) -> dict[GroupKey, _Group]:
        groups: dict[GroupKey, _Group] = {}
        for _, _, key, wrapper, fields in self._wrapped(users, batch_size=batch_size):
            label = " ".join([key[0], *key[1]])
            group = groups.setdefault(key, _Group(label=label, wrapper=wrapper, fields=fields))
            group.count += 1
        return groups

    def _expire(
        self, users: QuerySet[User], costly: set[GroupKey], *, batch_size: int, dry_run: bool
    ) -> int:
        expired = 0
        for pk, encoded, key, _, _ in self._wrapped(users, batch_size=batch_size):
            if key not in costly:
                continue
            # Only if unchanged since read: a password just reset must stay.
            unusable = make_password(None)
            if dry_run or users.filter(pk=pk, password=encoded).update(password=unusable):
                expired += 1
        return expired
