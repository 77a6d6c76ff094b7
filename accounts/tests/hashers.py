"""A real password hasher that counts its work, for tests about hashing cost."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingPasswordHasher(MD5PasswordHasher):
    """MD5 (fast) that counts how often it hashes and verifies."""

    algorithm = "counting_md5"
    calls: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        self.calls.append("encode")
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        self.calls.append("verify")
        return super().verify(password, encoded)
