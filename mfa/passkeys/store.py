"""The user's passkeys: listed, renamed, removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mfa.models import Passkey
from mfa.passkeys.common import clean_name

if TYPE_CHECKING:
    from accounts.models import User


def list_passkeys(user: User) -> QuerySet[Passkey]:
    """The user's passkeys, oldest first."""
    return Passkey.objects.filter(user=user).order_by("created", "pk")


def rename_passkey(*, user: User, passkey_id: int, name: object) -> Passkey | None:
    """Rename one of the user's passkeys; ``None`` if the user has no passkey with that id.

    Raises:
        InvalidPasskeyName: See :func:`clean_name`.
    """
    cleaned = clean_name(name)
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return None
    passkey.name = cleaned
    passkey.save(update_fields=["name"])
    return passkey


def remove_passkey(*, user: User, passkey_id: int) -> bool:
    """Remove one of the user's passkeys; ``False`` if the user has none with that id."""
    deleted, _ = Passkey.objects.filter(user=user, pk=passkey_id).delete()
    return bool(deleted)
