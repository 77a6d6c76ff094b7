"""Which second factors a user has: the one question sign-in and step-up ask.

Each factor is named here once with the rows that make a user have it, so a new
factor is a new module plus one line in :data:`FACTORS`, and callers never ask the
factors one by one. :func:`active_factors` answers for all of them in one query.

The ``accounts`` app does not import this app; it is handed :func:`active_factors`
(or :func:`has_second_factor`) through its hook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from mfa.models import Passkey, RecoveryCode, TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User

TOTP = "totp"
RECOVERY_CODE = "recovery_code"
PASSKEY = "passkey"


@dataclass(frozen=True)
class Factor:
    """A kind of second factor.

    Attributes:
        name: Its stable name, as clients see it in lists of methods.
        rows: The rows (each with a ``user`` foreign key) that give a user this factor.
        standalone: Whether it counts as a second factor by itself. Recovery codes do
            not: they stand in for another factor and alone never make sign-in ask for one.
    """

    name: str
    rows: Callable[[], QuerySet[Any]]
    standalone: bool = True


FACTORS: tuple[Factor, ...] = (
    Factor(TOTP, lambda: TOTPDevice.objects.filter(confirmed=True)),
    Factor(PASSKEY, lambda: Passkey.objects.all()),
    Factor(RECOVERY_CODE, lambda: RecoveryCode.objects.filter(used_at__isnull=True), False),
)


def active_factors(user: User) -> list[str]:
    """The factors the user can answer a second step with, in :data:`FACTORS` order.

    Empty when the user has no second factor, recovery codes included: unused codes
    left behind by a removed factor do not make sign-in ask for a second step.
    """
    flags = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            **{
                f"has_{factor.name}": Exists(factor.rows().filter(user=OuterRef("pk")))
                for factor in FACTORS
            }
        )
        .first()
    ) or {}
    has = [factor for factor in FACTORS if flags.get(f"has_{factor.name}")]
    if not any(factor.standalone for factor in has):
        return []
    return [factor.name for factor in has]


def has_second_factor(user: User) -> bool:
    """Whether sign-in and step-up ask this user for a second factor (one query)."""
    return bool(active_factors(user))


@transaction.atomic
def remove_all_factors(*, user: User) -> list[str]:
    """Remove every factor of the user, for staff helping someone who lost them all.

    Returns:
        The names of the factors the user had.
    """
    removed = []
    for factor in FACTORS:
        deleted, _ = factor.rows().model.objects.filter(user=user).delete()
        if deleted:
            removed.append(factor.name)
    return removed
