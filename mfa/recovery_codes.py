"""Recovery codes: ten single-use codes for the day the other factors are out of reach.

Why a keyed fast hash and not a password hasher: each code carries 60 random bits, so
no dictionary or guess list helps; a slow hash exists to protect low-entropy human
choices, and here would only cost the server (up to ten verifications per attempt,
since a salted slow hash cannot be looked up). The hash is HMAC-SHA256 keyed from
``SECRET_KEY`` (Django's ``salted_hmac``), so a copy of the table alone does not even
allow checking a guess offline; being deterministic, it is also the index a code is
found by, in one statement. Hashes made under a key now in ``SECRET_KEY_FALLBACKS``
keep working: verification tries the digest under every configured key.

Codes are written ``xxxx-xxxx-xxxx`` in lower-case Crockford base32 (no ``i l o u``);
input ignores case, spaces and dashes, and reads ``o`` as ``0`` and ``i``/``l`` as ``1``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mfa.errors import InvalidCode
from mfa.models import RecoveryCode

if TYPE_CHECKING:
    from accounts.models import User

CODE_COUNT = 10
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
GROUPS = 3
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH  # 12 characters of 5 bits: 60 bits per code
#: Longer input is refused before any work (a code with generous spacing fits easily).
MAX_CODE_INPUT = 64
_KEY_SALT = "mfa.recovery_codes.digest"
_READ_ALIKE = str.maketrans({"o": "0", "i": "1", "l": "1"})


def format_code(normalized: str) -> str:
    """How a code is shown: ``xxxx-xxxx-xxxx``."""
    return "-".join(normalized[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def normalize_code(code: object) -> str | None:
    """The 12 characters of a code as typed, or ``None`` if it cannot be one."""
    if not isinstance(code, str) or len(code) > MAX_CODE_INPUT:
        return None
    compact = "".join(code.split()).replace("-", "").lower().translate(_READ_ALIKE)
    if len(compact) != CODE_LENGTH or any(char not in ALPHABET for char in compact):
        return None
    return compact


def _digest(normalized: str, key: str) -> str:
    return salted_hmac(_KEY_SALT, normalized, secret=key, algorithm="sha256").hexdigest()


def _digests(normalized: str) -> list[str]:
    """The code's digest under the current key first, then under each fallback."""
    return [
        _digest(normalized, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]


@transaction.atomic
def generate_codes(*, user: User) -> list[str]:
    """Make a new set of ten codes; the previous set, used or not, stops working.

    Returns:
        The codes, which are not available again: show them to the user once.
    """
    # Two regenerations at once would otherwise each keep the set the other inserted.
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    RecoveryCode.objects.filter(user=user).delete()
    codes: set[str] = set()
    while len(codes) < CODE_COUNT:  # a repeat has one chance in 2**60 per pair
        codes.add("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
    now = timezone.now()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=_digest(code, settings.SECRET_KEY), created=now)
        for code in codes
    )
    return [format_code(code) for code in codes]


def use_code(*, user: User, code: object) -> None:
    """Spend one of the user's unused codes.

    One statement finds and marks it (``used_at IS NULL`` in its condition), so of two
    concurrent requests with the same code exactly one succeeds.

    Raises:
        InvalidCode: Not a code of the user's current set, or already used.
    """
    normalized = normalize_code(code)
    if normalized is None:
        raise InvalidCode("not a recovery code")
    spent = RecoveryCode.objects.filter(
        user=user, digest__in=_digests(normalized), used_at__isnull=True
    ).update(used_at=timezone.now())
    if not spent:
        raise InvalidCode("unknown or used recovery code")


@dataclass(frozen=True)
class RecoveryCodeCounts:
    total: int
    unused: int


def count_codes(user: User) -> RecoveryCodeCounts:
    """How many codes the user's set has, and how many are left (one query)."""
    counts = RecoveryCode.objects.filter(user=user).aggregate(
        total=Count("pk"), unused=Count("pk", filter=Q(used_at__isnull=True))
    )
    return RecoveryCodeCounts(total=counts["total"], unused=counts["unused"])


def delete_codes(*, user: User) -> int:
    """Remove the user's codes (when their last other factor goes); returns how many."""
    deleted, _ = RecoveryCode.objects.filter(user=user).delete()
    return deleted
