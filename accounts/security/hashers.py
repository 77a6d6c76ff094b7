"""Password hashing: the product's Argon2id, and wrappers that bring legacy hashes to it.

A hash in a legacy format (PBKDF2, scrypt, Argon2 with other parameters, salted or
unsalted SHA-1 and MD5) is *wrapped*: the product's Argon2id is computed over the
legacy hash's digest and stored together with the legacy parameters, the way Django's
docs describe "password upgrading without requiring a login". Checking a wrapped hash
recomputes the legacy digest from the candidate password, then verifies the Argon2id
layer over it; a successful login replaces it with a plain current hash.

Legacy hashes are wrapped ahead of any login, by migration ``0003`` and by
``manage.py wrap_legacy_password_hashes`` for hashes imported later. Why, and what
wrapping cannot hide (a legacy step that costs more than the current hash), is in
docs/security.md, "Legacy password hashes".
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, ClassVar

import argon2
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    BasePasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    mask_hash,
)
from django.utils.translation import gettext_noop

#: The width of ``User.password``: a wrapped hash keeps the legacy parameters and salt
#: beside the Argon2id encoding, which does not fit Django's 128 characters.
PASSWORD_FIELD_LENGTH = 256

#: The prefix of every wrapped hash's algorithm name.
WRAPPED_PREFIX = "argon2_wrapped_"


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's baseline cost: 19 MiB of memory, 2 passes, 1 lane.

    Django's default (100 MiB, 8 lanes) costs more memory per login than a server
    running several workers can afford under a credential-stuffing burst; the cost
    per login on the reference machine is in docs/benchmarks.md. The algorithm name
    stays ``argon2``, so a hash made with other parameters still verifies; such a
    hash is legacy and gets wrapped (:class:`WrappedArgon2PasswordHasher`).
    """

    algorithm: str = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1

    def has_current_parameters(self, encoded: str) -> bool:
        """Whether an ``argon2$`` hash was made with these parameters (its salt aside).

        Django's ``must_update`` also asks for a longer salt; a short salt is fixed at the
        next login and costs nothing in time, so it does not make the hash legacy.
        """
        stored = argon2.extract_parameters(encoded.removeprefix(self.algorithm))
        current = self.params()
        current.salt_len = stored.salt_len
        return bool(stored == current)


class WrappedPasswordHasher(BasePasswordHasher):
    """The product's Argon2id over the digest of a legacy hash.

    The stored form is ``<algorithm>$<legacy fields>$<Argon2id encoding>``: the legacy
    hash without its algorithm name and digest, then the product hasher's encoding of
    that digest (``argon2id$v=19$m=...,t=...,p=...$salt$hash``, always the last five
    fields). Subclasses name the legacy algorithm, say how many fields it has and
    recompute its digest.
    """

    algorithm: str
    legacy_algorithm: ClassVar[str]
    #: ``$``-separated fields between a legacy hash's algorithm name and its digest.
    legacy_fields: ClassVar[int]
    outer = Argon2idPasswordHasher()

    def legacy_digest(self, password: str, fields: list[str]) -> str:
        """The legacy hash's digest of ``password``, as its encoding writes it."""
        raise NotImplementedError

    def split_legacy(self, encoded: str) -> tuple[list[str], str]:
        """Split a legacy hash into its fields and digest, checking its shape.

        Raises:
            ValueError: The hash is not in this legacy format, or cannot be verified.
        """
        algorithm, *fields, digest = encoded.split("$")
        if algorithm != self.legacy_algorithm or len(fields) != self.legacy_fields:
            raise ValueError(f"not a {self.legacy_algorithm} hash")
        self.check_fields(fields)
        return fields, digest

    def check_fields(self, fields: list[str]) -> None:
        """Refuse legacy fields that could not be verified later (``ValueError``)."""

    def cost_parameters(self, fields: list[str]) -> tuple[str, ...]:
        """The legacy fields that decide how long the legacy step takes."""
        return ()

    def wrap(self, legacy: str) -> str:
        """Wrap a legacy hash: Argon2id over its digest, with a fresh salt.

        Raises:
            ValueError: The legacy hash is malformed, or too long to store wrapped.
        """
        fields, digest = self.split_legacy(legacy)
        outer = self.outer.encode(digest, self.outer.salt())
        wrapped = "$".join([self.algorithm, *fields]) + outer.removeprefix(self.outer.algorithm)
        if len(wrapped) > PASSWORD_FIELD_LENGTH:
            raise ValueError("the wrapped hash would not fit the password column")
        return wrapped

    def unwrap(self, encoded: str) -> tuple[list[str], str]:
        """Split a wrapped hash into its legacy fields and its ``argon2$`` encoding."""
        algorithm, *rest = encoded.split("$")
        fields, outer = rest[:-5], rest[-5:]
        if algorithm != self.algorithm or len(fields) != self.legacy_fields:
            raise ValueError(f"not a {self.algorithm} hash")
        return fields, "$".join([self.outer.algorithm, *outer])

    def encode(self, password: str, salt: str) -> str:
        """Refuse: a wrapped hash is made from a legacy hash (:meth:`wrap`), never chosen."""
        raise NotImplementedError("wrapped hashes are made from legacy hashes, by wrap()")

    def verify(self, password: str, encoded: str) -> bool:
        try:
            fields, outer = self.unwrap(encoded)
            return self.outer.verify(self.legacy_digest(password, fields), outer)
        except ValueError:  # a damaged hash matches nothing (argon2's errors included)
            return False

    def decode(self, encoded: str) -> dict[str, Any]:
        fields, outer = self.unwrap(encoded)
        decoded = self.outer.decode(outer)
        return {**decoded, "algorithm": self.algorithm, "legacy_fields": fields}

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            gettext_noop("algorithm"): decoded["algorithm"],
            gettext_noop("wraps"): " ".join(
                [self.legacy_algorithm, *self.cost_parameters(decoded["legacy_fields"])]
            ),
            gettext_noop("memory cost"): decoded["memory_cost"],
            gettext_noop("time cost"): decoded["time_cost"],
            gettext_noop("parallelism"): decoded["parallelism"],
            gettext_noop("salt"): mask_hash(decoded["salt"]),
            gettext_noop("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        """Always: the next successful login stores a plain current hash instead."""
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        """Nothing to do: Django calls this only when the algorithm is the preferred one."""


class WrappedPBKDF2PasswordHasher(WrappedPasswordHasher):
    """PBKDF2-SHA256 (every Django release since 1.4): ``pbkdf2_sha256$iterations$salt$``."""

    algorithm = WRAPPED_PREFIX + "pbkdf2_sha256"
    legacy_algorithm = "pbkdf2_sha256"
    legacy_fields = 2
    legacy = PBKDF2PasswordHasher()

    def check_fields(self, fields: list[str]) -> None:
        iterations, salt = fields
        if int(iterations) < 1 or not salt:
            raise ValueError("PBKDF2 needs iterations and a salt")

    def cost_parameters(self, fields: list[str]) -> tuple[str, ...]:
        return (f"iterations={fields[0]}",)

    def legacy_digest(self, password: str, fields: list[str]) -> str:
        iterations, salt = fields
        return self.legacy.encode(password, salt, int(iterations)).rsplit("$", 1)[1]


class WrappedPBKDF2SHA1PasswordHasher(WrappedPBKDF2PasswordHasher):
    """PBKDF2-SHA1: ``pbkdf2_sha1$iterations$salt$``."""

    algorithm = WRAPPED_PREFIX + "pbkdf2_sha1"
    legacy_algorithm = "pbkdf2_sha1"
    legacy = PBKDF2SHA1PasswordHasher()


class WrappedScryptPasswordHasher(WrappedPasswordHasher):
    """Scrypt (Django 4.0+): ``scrypt$n$salt$r$p$``."""

    algorithm = WRAPPED_PREFIX + "scrypt"
    legacy_algorithm = "scrypt"
    legacy_fields = 4
    #: Imported parameters that would need more memory than this are not wrapped.
    max_memory = 256 * 1024 * 1024

    def check_fields(self, fields: list[str]) -> None:
        n, salt, r, p = int(fields[0]), fields[1], int(fields[2]), int(fields[3])
        if n < 2 or n & (n - 1) or r < 1 or p < 1 or not salt:
            raise ValueError("scrypt needs n a power of 2, r, p and a salt")
        if self._memory(n, r, p) > self.max_memory:
            raise ValueError("scrypt parameters need too much memory")

    @staticmethod
    def _memory(n: int, r: int, p: int) -> int:
        return 128 * r * (n + p + 2)

    def cost_parameters(self, fields: list[str]) -> tuple[str, ...]:
        return (f"n={fields[0]}", f"r={fields[2]}", f"p={fields[3]}")

    def legacy_digest(self, password: str, fields: list[str]) -> str:
        n, salt, r, p = int(fields[0]), fields[1], int(fields[2]), int(fields[3])
        digest = hashlib.scrypt(
            password.encode(),
            salt=salt.encode(),
            n=n,
            r=r,
            p=p,
            maxmem=self._memory(n, r, p) + 1024 * 1024,
            dklen=64,
        )
        return base64.b64encode(digest).decode("ascii")


class WrappedArgon2PasswordHasher(WrappedPasswordHasher):
    """Argon2 with other parameters than the product's (Django's defaults, for instance).

    The legacy fields are the variety, version, costs and salt, plus the digest's
    length, which the wrapped form would otherwise lose:
    ``argon2id$v=19$m=102400,t=2,p=8$salt$len=32``. Hashes from argon2-cffi before
    16.0 name no version; that is version 16 (0x10).
    """

    algorithm = WRAPPED_PREFIX + "argon2"
    legacy_algorithm = "argon2"
    legacy_fields = 5
    _types: ClassVar[dict[str, argon2.Type]] = {
        "argon2id": argon2.Type.ID,
        "argon2i": argon2.Type.I,
        "argon2d": argon2.Type.D,
    }

    def split_legacy(self, encoded: str) -> tuple[list[str], str]:
        algorithm, *parts = encoded.split("$")
        if algorithm != self.legacy_algorithm or len(parts) not in (4, 5):
            raise ValueError("not an argon2 hash")
        if len(parts) == 4:
            parts.insert(1, "v=16")
        variety, version, costs, salt, digest = parts
        params = argon2.extract_parameters(f"${variety}${version}${costs}${salt}${digest}")
        fields = [
            variety,
            f"v={params.version}",
            f"m={params.memory_cost},t={params.time_cost},p={params.parallelism}",
            salt,
            f"len={params.hash_len}",
        ]
        return fields, digest

    def cost_parameters(self, fields: list[str]) -> tuple[str, ...]:
        return (fields[0], fields[2])

    def legacy_digest(self, password: str, fields: list[str]) -> str:
        variety, version, costs, salt, length = fields
        cost = dict(item.split("=") for item in costs.split(","))
        digest = argon2.low_level.hash_secret_raw(
            password.encode(),
            base64.b64decode(salt + "=" * (-len(salt) % 4)),
            time_cost=int(cost["t"]),
            memory_cost=int(cost["m"]),
            parallelism=int(cost["p"]),
            hash_len=int(length.removeprefix("len=")),
            type=self._types[variety],
            version=int(version.removeprefix("v=")),
        )
        return base64.b64encode(digest).decode("ascii").rstrip("=")


class _WrappedHexDigestPasswordHasher(WrappedPasswordHasher):
    """A salted hex digest ``<algorithm>$salt$hex``; an empty salt is the unsalted form."""

    legacy_fields = 1
    digest_length: ClassVar[int]

    def split_legacy(self, encoded: str) -> tuple[list[str], str]:
        fields, digest = super().split_legacy(encoded)
        if not re.fullmatch(f"[0-9a-f]{{{self.digest_length}}}", digest):
            raise ValueError(f"not a {self.legacy_algorithm} digest")
        return fields, digest

    def cost_parameters(self, fields: list[str]) -> tuple[str, ...]:
        return () if fields[0] else ("unsalted",)

    def legacy_digest(self, password: str, fields: list[str]) -> str:
        # Not for security: the old digest is only the input of the Argon2id layer.
        return hashlib.new(
            self.legacy_algorithm, (fields[0] + password).encode(), usedforsecurity=False
        ).hexdigest()


class WrappedSHA1PasswordHasher(_WrappedHexDigestPasswordHasher):
    """SHA-1 (Django before 1.4): ``sha1$salt$hex``, unsalted ``sha1$$hex``."""

    algorithm = WRAPPED_PREFIX + "sha1"
    legacy_algorithm = "sha1"
    digest_length = 40


class WrappedMD5PasswordHasher(_WrappedHexDigestPasswordHasher):
    """MD5 (Django before 1.0 and many imports): ``md5$salt$hex``, ``md5$$hex`` or ``hex``."""

    algorithm = WRAPPED_PREFIX + "md5"
    legacy_algorithm = "md5"
    digest_length = 32

    def split_legacy(self, encoded: str) -> tuple[list[str], str]:
        if "$" not in encoded:
            encoded = "md5$$" + encoded
        return super().split_legacy(encoded)


WRAPPERS: tuple[WrappedPasswordHasher, ...] = (
    WrappedPBKDF2PasswordHasher(),
    WrappedPBKDF2SHA1PasswordHasher(),
    WrappedScryptPasswordHasher(),
    WrappedArgon2PasswordHasher(),
    WrappedSHA1PasswordHasher(),
    WrappedMD5PasswordHasher(),
)
_BY_LEGACY = {wrapper.legacy_algorithm: wrapper for wrapper in WRAPPERS}
_BY_ALGORITHM = {wrapper.algorithm: wrapper for wrapper in WRAPPERS}


def wrapper_of(encoded: str) -> WrappedPasswordHasher | None:
    """The hasher of an already wrapped hash, or ``None``."""
    return _BY_ALGORITHM.get(encoded.split("$", 1)[0])


def wrapper_for(legacy_algorithm: str) -> WrappedPasswordHasher | None:
    """The hasher that wraps hashes of ``legacy_algorithm``, or ``None``."""
    return _BY_LEGACY.get(legacy_algorithm)
