"""Changing the profile fields a user owns."""

from __future__ import annotations

from typing import Any

from accounts.models import User


def update_profile(*, user: User, **changes: Any) -> User:
    """Apply ``changes`` and write only the columns whose value really changed.

    Args:
        user: The user to change.
        **changes: Validated values for ``first_name``, ``last_name``, ``currency``,
            ``language``.

    Returns:
        The same user, updated.
    """
    changed = [field for field, value in changes.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, changes[field])
    if changed:
        user.save(update_fields=changed)
    return user
