"""Login lockout: per-email failure count and per-address failure budget.

Credential stuffing tries many passwords for one email, or one password for many
emails from one address; each gate answers one of them. Both reserve their slot with
an atomic increment *before* the password is checked, so the count cannot be raced:
of 20 wrong passwords sent at once for one email, the first five reserved slots are
checked and the other fifteen are refused unchecked. A failure keeps its slot; a
success clears the email's count and gives the address its slot back.

Keys hold a keyed hash of the normalised email, never the email itself, and do not
depend on the account existing, so a lockout reveals nothing about registration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

from accounts.app_settings import app_settings
from accounts.errors import LockedOut, TooManyFailures
from accounts.models import normalize_email
from core import counters
from core.client import network_key


def hashed_email(email: str) -> str:
    """A stable, non-reversible key part for an email, however it is capitalised or padded."""
    return salted_hmac("accounts.lockout.email", normalize_email(email)).hexdigest()


def email_key(email: str) -> str:
    return f"lockout:{hashed_email(email)}"


def address_key(ip: str) -> str | None:
    """The failed-login budget's key: per IPv4 address or IPv6 /64, like every address limit."""
    network = network_key(ip)
    return f"login_failure:{network}" if network else None


@dataclass(frozen=True)
class Attempt:
    """The slots one login attempt holds until it succeeds or fails."""

    email_key: str
    address_key: str | None


def reserve_attempt(*, email: str, ip: str) -> Attempt:
    """Count a login attempt for ``email`` from ``ip`` before its password is checked.

    Args:
        email: The email as typed; the count is shared by all its spellings.
        ip: The client address (``core.client.client_ip``), or ``""`` if unknown.

    Returns:
        The reserved slots, for ``attempt_succeeded``.

    Raises:
        LockedOut: The email already had its allowed failures in the current window.
        TooManyFailures: The address already had its allowed failures in the current minute.
    """
    attempt = Attempt(email_key=email_key(email), address_key=address_key(ip))
    hit = counters.hit(attempt.email_key, window=app_settings.LOGIN_FAILURE_WINDOW)
    if hit.count > app_settings.LOGIN_FAILURE_LIMIT:
        raise LockedOut(hit.retry_after)
    if attempt.address_key is not None:
        limit, window = counters.parse_rate(settings.THROTTLE_RATES["login_failure"])
        address_hit = counters.hit(attempt.address_key, window=window)
        if address_hit.count > limit:
            # No password is checked, so this attempt must not use up one of the email's.
            counters.release(attempt.email_key)
            raise TooManyFailures(address_hit.retry_after)
    return attempt


def attempt_succeeded(attempt: Attempt, *, second_step_follows: bool = False) -> None:
    """The password was right: clear the email's count and return the address's slot.

    When a second step follows, the attempt only gives its slot back, and the count is
    cleared once that step is answered (:func:`clear`): knowing the password must not
    reset the count of wrong codes, or a thief holding it could try five codes per
    sign-in forever.
    """
    if second_step_follows:
        counters.release(attempt.email_key)
    else:
        counters.reset(attempt.email_key)
    if attempt.address_key is not None:
        # Only this attempt's slot: clearing the whole count would let an attacker who
        # owns one account wipe the address's failures by logging in between guesses.
        counters.release(attempt.address_key)


def attempt_abandoned(attempt: Attempt) -> None:
    """The check ended in an outage (503) before a verdict: give both slots back."""
    counters.release(attempt.email_key)
    if attempt.address_key is not None:
        counters.release(attempt.address_key)


def reserve_second_step(*, email: str) -> None:
    """Count an answer to a sign-in's second step as a login attempt of ``email``.

    Wrong codes are failed logins of the email: they keep their slot, and the email
    locks after the same five. A right answer clears the count (:func:`clear`).

    Raises:
        LockedOut: The email already had its allowed failures; nothing is checked.
    """
    hit = counters.hit(email_key(email), window=app_settings.LOGIN_FAILURE_WINDOW)
    if hit.count > app_settings.LOGIN_FAILURE_LIMIT:
        raise LockedOut(hit.retry_after)


def clear(*, email: str) -> None:
    """Forget the failed logins of ``email`` (after a password reset, for instance)."""
    counters.reset(email_key(email))
