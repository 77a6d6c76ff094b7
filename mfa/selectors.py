"""The read side of second factors: what a user has, as its owner sees it.

One shape for ``GET /auth/mfa/``, ``GET /auth/passkeys/`` and the data export alike
(``accounts.representation`` does the same for the account's other objects): metadata
only, never a seed, a code, a digest or a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.representation import timestamp
from mfa import passkeys, recovery_codes
from mfa.models import Passkey, TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User


def passkey_metadata(passkey: Passkey) -> dict[str, Any]:
    """A passkey as its owner sees it: enough to recognise and manage it."""
    return {
        "id": passkey.pk,
        "name": passkey.name,
        "created": timestamp(passkey.created),
        "last_used": timestamp(passkey.last_used),
    }


def list_passkeys(user: User) -> list[dict[str, Any]]:
    """The user's passkeys, oldest first (one query)."""
    rows = passkeys.list_passkeys(user).only("pk", "name", "created", "last_used")
    return [passkey_metadata(passkey) for passkey in rows]


def factor_summary(user: User) -> dict[str, Any]:
    """The user's second factors: the app, the recovery codes left, the passkeys (3 queries).

    A pending authenticator-app setup is not a factor: ``enabled`` stays false and
    ``created`` null until a code confirms it.
    """
    created = (
        TOTPDevice.objects.filter(user=user, confirmed=True)
        .values_list("created", flat=True)
        .first()
    )
    counts = recovery_codes.count_codes(user)
    return {
        "totp": {"enabled": created is not None, "created": timestamp(created)},
        "recovery_codes": {"total": counts.total, "unused": counts.unused},
        "passkeys": list_passkeys(user),
    }
