"""The journeys of second factors: adding, replacing and removing them.

Each function that changes a user's factors also records its security event and
queues the email that tells the account's owner, in one place (do like Zulip's
``do_change_password``), so that no interface (the API, the account pages, the admin)
can forget either. The mechanisms (``mfa.totp``, ``mfa.recovery_codes``,
``mfa.passkeys``) know nothing of events and emails; the views know nothing else.

Two rules hold across factors:

- the first factor a user adds comes with a set of recovery codes, shown once;
- removing the last authenticator app or passkey removes the recovery codes too: they
  back up another factor and are never a second step on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.emails import queue_email
from accounts.models import SecurityEvent
from accounts.security.events import record_security_event
from core.client import NO_CLIENT, Client
from core.exceptions import NotFound
from mfa import base, passkeys, recovery_codes, totp
from mfa.errors import SecondFactorNeeded, TotpNotEnabled
from mfa.models import Passkey, RecoveryCode

if TYPE_CHECKING:
    from accounts.models import User

#: The email every factor change sends (``accounts/templates/accounts/email/``).
EMAIL_KIND = "security_change"


def _lock(user: User) -> None:
    """Serialise the factor changes of one user (two first factors, two removals)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def _tell(user: User, change: str, client: Client, **data: str) -> None:
    """Record the change as a security event and email the owner about it."""
    record_security_event(type=change, user=user, client=client)
    queue_email(EMAIL_KIND, user=user, change=change, **data)


def _codes_for_a_first_factor(user: User) -> list[str] | None:
    """A set of recovery codes when the user has none yet, that is, for a first factor.

    Every way to a factor makes a set and removing the last factor removes it, so "no
    codes" is "no factor before this one"; unlike counting factors, it also holds when
    two first factors are added at once (the second sees the first one's codes).
    Call it with the user locked.
    """
    if RecoveryCode.objects.filter(user=user).exists():
        return None
    return recovery_codes.generate_codes(user=user)


def _second_step_after_removal(user: User) -> str:
    """``on`` if the user still has a factor; ``off``, and no codes left, if not."""
    if base.has_second_factor(user):
        return "on"
    recovery_codes.delete_codes(user=user)
    return "off"


# --- Authenticator apps ---------------------------------------------------------------------


def start_totp_setup(*, user: User) -> totp.TotpSetup:
    """Begin adding an authenticator app; see :func:`mfa.totp.start_setup`.

    Raises:
        TotpAlreadyEnabled: An app is on already.
    """
    return totp.start_setup(user=user)


def pending_totp_setup(*, user: User) -> totp.TotpSetup | None:
    """The app setup waiting for its code, if any; see :func:`mfa.totp.pending_setup`."""
    return totp.pending_setup(user=user)


def confirm_totp(*, user: User, code: object, client: Client) -> list[str] | None:
    """Turn the pending app on with one of its codes.

    Returns:
        A new set of recovery codes if this is the user's first factor (show them
        once), else ``None``.

    Raises:
        TotpSetupExpired: Nothing is pending, or the setup is older than 10 minutes.
        InvalidCode: Not the app's code; the setup stays pending.
    """
    with transaction.atomic():
        _lock(user)
        totp.confirm_setup(user=user, code=code)
        codes = _codes_for_a_first_factor(user)
        _tell(user, SecurityEvent.Type.MFA_ENABLED, client)
    return codes


@transaction.atomic
def disable_totp(*, user: User, client: Client) -> None:
    """Turn the user's authenticator app off (a pending setup goes too).

    Raises:
        TotpNotEnabled: No app was on.
    """
    _lock(user)
    if not totp.disable(user=user):
        raise TotpNotEnabled
    second_step = _second_step_after_removal(user)
    _tell(user, SecurityEvent.Type.MFA_DISABLED, client, second_step=second_step)


# --- Recovery codes -------------------------------------------------------------------------


@transaction.atomic
def regenerate_recovery_codes(*, user: User, client: Client) -> list[str]:
    """A new set of ten codes; the old set, used or not, stops working.

    Raises:
        SecondFactorNeeded: The user has no app or passkey for the codes to back up.
    """
    _lock(user)
    if not base.has_second_factor(user):
        raise SecondFactorNeeded
    codes = recovery_codes.generate_codes(user=user)
    _tell(user, SecurityEvent.Type.RECOVERY_CODES_REGENERATED, client)
    return codes


# --- Passkeys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddedPasskey:
    """A passkey just registered, and the recovery codes it came with if it is the first factor."""

    passkey: Passkey
    recovery_codes: list[str] | None


def add_passkey(*, user: User, credential: object, name: object, client: Client) -> AddedPasskey:
    """Verify a new passkey from ``navigator.credentials.create()`` and keep it.

    Raises:
        InvalidPasskeyName: Empty, too long, or with control characters.
        InvalidCredential: Malformed, not verified, replayed, foreign origin, known already.
        ChallengeExpired: The options are older than 5 minutes.
    """
    # Outside any transaction: the challenge is spent by this call, right or wrong,
    # and a refusal must not roll that back.
    passkey = passkeys.register_passkey(user=user, credential=credential, name=name)
    with transaction.atomic():
        _lock(user)
        codes = _codes_for_a_first_factor(user)
        _tell(user, SecurityEvent.Type.PASSKEY_ADDED, client, name=passkey.name)
    return AddedPasskey(passkey=passkey, recovery_codes=codes)


def rename_passkey(*, user: User, passkey_id: int, name: object) -> Passkey:
    """Give one of the user's passkeys a new name.

    Raises:
        NotFound: The user has no passkey with this id (another user's included).
        InvalidPasskeyName: See :func:`mfa.passkeys.clean_name`.
    """
    passkey = passkeys.rename_passkey(user=user, passkey_id=passkey_id, name=name)
    if passkey is None:
        raise NotFound
    return passkey


@transaction.atomic
def remove_passkey(*, user: User, passkey_id: int, client: Client) -> None:
    """Remove one of the user's passkeys.

    Raises:
        NotFound: The user has no passkey with this id (another user's included).
    """
    _lock(user)
    name = Passkey.objects.filter(user=user, pk=passkey_id).values_list("name", flat=True).first()
    if name is None or not passkeys.remove_passkey(user=user, passkey_id=passkey_id):
        raise NotFound
    second_step = _second_step_after_removal(user)
    _tell(user, SecurityEvent.Type.PASSKEY_REMOVED, client, name=name, second_step=second_step)


# --- Operators ------------------------------------------------------------------------------


@transaction.atomic
def remove_all_factors(*, user: User, client: Client = NO_CLIENT) -> list[str]:
    """Remove every factor of the user, for staff helping someone who lost them all.

    Returns:
        The names of the factors the user had (nothing is recorded or sent if none).
    """
    _lock(user)
    removed = base.remove_all_factors(user=user)
    if removed:
        _tell(user, SecurityEvent.Type.MFA_DISABLED, client, second_step="off", by_staff="yes")
    return removed
