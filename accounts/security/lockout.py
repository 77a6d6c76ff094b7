"""Login lockout: per-email failure count and per-address failure budget.

Credential stuffing tries many passwords for one email, or one password for many
emails from one address; each gate answers one of them. Both reserve their slot with
an atomic increment *before* the password is checked, so the count cannot be raced:
of 20 wrong passwords sent at once for one email, the first five reserved slots are
checked and the other fifteen are refused unchecked. A failure keeps its slot; a
success clears the email's count and gives the address its slot back.

The attempt is also a login request of its address (the ``login`` limit of
``accounts.security.limits``): the three counters are reserved in one step
(``core.counters.hit_many``: one statement, or one Redis script) and settled in one
(``core.counters.settle``), so a password login costs two counter operations at most,
and a failed one a single one.

Keys hold a keyed hash of the normalised email, never the email itself, and do not
depend on the account existing, so a lockout reveals nothing about registration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from accounts.app_settings import app_settings
from accounts.errors import LockedOut, TooManyFailures
from accounts.security.limits import counter_key, hashed_email
from core import counters
from core.client import network_key
from core.counters import Settle
from core.exceptions import RateLimited


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

    def give_back(self, *, email: Settle = Settle.RELEASE, address: bool = True) -> None:
        """Settle the slots in one step: the email's as ``email`` says, the address's back."""
        changes = {self.email_key: email}
        if address and self.address_key is not None:
            changes[self.address_key] = Settle.RELEASE
        counters.settle(changes)


def reserve_attempt(*, email: str, ip: str) -> Attempt:
    """Count a login attempt for ``email`` from ``ip`` before its password is checked.

    One step counts the request (the address's ``login`` limit), the email's failures
    and the address's failures; a refusal gives back the slots of the counts it did not
    check against, in one more step, so a refused request leaves the counts it would
    have left checked one at a time.

    Args:
        email: The email as typed; the count is shared by all its spellings.
        ip: The client address (``core.client.client_ip``), or ``""`` if unknown.

    Returns:
        The reserved slots, for ``attempt_succeeded``.

    Raises:
        RateLimited: The address already made its allowed login requests this minute.
        LockedOut: The email already had its allowed failures in the current window.
        TooManyFailures: The address already had its allowed failures in the current minute.
    """
    attempt = Attempt(email_key=email_key(email), address_key=address_key(ip))
    network = network_key(ip)
    request_key = counter_key("login", network) if network else None
    request_limit, request_window = counters.parse_rate(str(settings.THROTTLE_RATES["login"]))
    failure_limit, failure_window = counters.parse_rate(
        str(settings.THROTTLE_RATES["login_failure"])
    )
    windows = {attempt.email_key: app_settings.LOGIN_FAILURE_WINDOW}
    if attempt.address_key is not None:
        windows[attempt.address_key] = failure_window
    if request_key is not None:
        windows[request_key] = request_window
    hits = counters.hit_many(windows)
    # Refusals in the order the counts were once taken one by one: a refused request
    # keeps its request slot, and gives back every failure slot it was not refused by
    # (no password is checked, so it must not use up the email's attempts).
    if request_key is not None and hits[request_key].count > request_limit:
        attempt.give_back()
        raise RateLimited(hits[request_key].retry_after)
    email_hit = hits[attempt.email_key]
    if email_hit.count > app_settings.LOGIN_FAILURE_LIMIT:
        if attempt.address_key is not None:
            counters.settle({attempt.address_key: Settle.RELEASE})
        raise LockedOut(email_hit.retry_after)
    if attempt.address_key is not None and hits[attempt.address_key].count > failure_limit:
        attempt.give_back(address=False)
        raise TooManyFailures(hits[attempt.address_key].retry_after)
    return attempt


def attempt_succeeded(attempt: Attempt, *, second_step_follows: bool = False) -> None:
    """The password was right: clear the email's count and return the address's slot.

    When a second step follows, the attempt only gives its slot back, and the count is
    cleared once that step is answered (:func:`clear`): knowing the password must not
    reset the count of wrong codes, or a thief holding it could try five codes per
    sign-in forever.
    """
    # The address gets only this attempt's slot back: clearing its whole count would let
    # an attacker who owns one account wipe its failures by logging in between guesses.
    attempt.give_back(email=Settle.RELEASE if second_step_follows else Settle.RESET)


def attempt_abandoned(attempt: Attempt) -> None:
    """The check ended in an outage (503) before a verdict: give both slots back."""
    attempt.give_back()


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
