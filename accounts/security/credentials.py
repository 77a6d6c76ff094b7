"""What a new password ends, whoever sets it: the rule lives here once.

Setting a password (``change_password``, a reset, staff in the admin,
``manage.py changepassword``), or disabling password sign-in (staff in the admin),
ends every session and every bearer token of the account
and voids a pending email change, so that whoever held the old password, a copied
cookie or a token, or parked an email change, loses it with the new password. The
session of a user who changes their own password is re-keyed by the view that served
the change (``update_session_auth_hash``), so it alone goes on.

A re-hash of the same password (Django's upgrade of an old hash at sign-in) is not a
new password: Django clears ``_password`` for it, and nothing ends.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.models import AuthToken, PendingEmailChange, User
from accounts.security.sessions.revocation import end_sessions


def end_everything_of(user_id: int) -> None:
    """End every session and bearer token of the account, and void its pending email change."""
    end_sessions(user_id=user_id)
    AuthToken.objects.filter(user_id=user_id).delete()
    PendingEmailChange.objects.filter(user_id=user_id).delete()


@receiver(pre_save, sender=User, dispatch_uid="accounts.end_everything_on_new_password")
def _end_everything_on_new_password(
    sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    new_password = instance._password is not None  # Django keeps it until the save
    if (
        new_password
        and not instance._state.adding
        and (update_fields is None or "password" in update_fields)
    ):
        end_everything_of(instance.pk)
