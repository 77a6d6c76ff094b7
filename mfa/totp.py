"""Authenticator apps: RFC 6238 time-based one-time passwords.

The parameters every authenticator app supports by default: HMAC-SHA-1, 6 digits,
30-second steps, and one step of clock drift either way. A code is accepted once: the
step of the last accepted code is stored and only a later step passes, so a code seen
over someone's shoulder, or sent twice by a client, does not work a second time.

The seed (160 random bits, RFC 4226's recommended length) is stored encrypted
(``mfa/crypto.py``); it is shown to the user once, at setup, as text, an
``otpauth://`` URI and a QR code drawn here (no image service sees it).
"""

from __future__ import annotations

import base64
import hmac
import io
import secrets
import struct
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mfa import crypto
from mfa.app_settings import app_settings
from mfa.errors import InvalidCode, TotpAlreadyEnabled, TotpSetupExpired, UnreadableSecret
from mfa.models import TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
SECRET_BYTES = 20
#: Longer input is refused before any work: a code is 6 digits, perhaps with spaces.
MAX_CODE_INPUT = 32


# --- The algorithm (RFC 4226 HOTP, RFC 6238 TOTP) -----------------------------------------


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """The HOTP value of ``counter`` (RFC 4226 section 5.3, dynamic truncation)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(at: float) -> int:
    """The RFC 6238 time step (``T``) of a Unix time, with ``T0 = 0`` and 30 s steps."""
    return int(at // STEP_SECONDS)


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base32 secret as authenticator apps show it (padding optional)."""
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def code_at(secret: str, at: float) -> str:
    """The code an authenticator app shows at Unix time ``at``."""
    return hotp(decode_secret(secret), time_step(at))


def generate_secret() -> str:
    """A new 160-bit seed, base32 without padding (32 characters)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def normalize_code(code: object) -> str | None:
    """The six digits of what the user typed (spaces allowed), or ``None`` if it is not a code."""
    if not isinstance(code, str) or len(code) > MAX_CODE_INPUT:
        return None
    digits = "".join(code.split())
    if len(digits) != DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return digits


def matching_step(secret: str, code: object, *, at: float | None = None) -> int | None:
    """The time step whose code this is, within one step of ``at`` either way.

    Args:
        secret: The base32 seed.
        code: What the user typed.
        at: Unix time of the check; now by default.

    Returns:
        The matching step (the latest one, should two steps share a code), or ``None``.
    """
    digits = normalize_code(code)
    if digits is None:
        return None
    key = decode_secret(secret)
    now = time_step(time.time() if at is None else at)
    matches = [
        step
        for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1)
        # Every candidate is compared, in constant time, so timing tells nothing.
        if hmac.compare_digest(hotp(key, step), digits)
    ]
    return max(matches) if matches else None


# --- Presenting a new seed ------------------------------------------------------------------


def otpauth_uri(*, secret: str, account: str) -> str:
    """The ``otpauth://totp/Issuer:account?...`` URI authenticator apps import.

    The issuer is both in the label and a parameter, as the Key URI format asks, so
    that old and new apps file the account under the same name.
    """
    issuer = app_settings.MFA_ISSUER
    label = f"{quote(issuer, safe='')}:{quote(account, safe='@')}"
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str:
    """A standalone SVG QR code of ``uri``, drawn locally (the seed goes to no service)."""
    import segno  # loaded by the one request that draws a code, not by every worker

    buffer = io.BytesIO()
    segno.make_qr(uri, error="m").save(buffer, kind="svg", xmldecl=False, scale=4, border=4)
    return buffer.getvalue().decode()


@dataclass(frozen=True)
class TotpSetup:
    """What the user needs once to add the account to an app; the secret is not kept in clear."""

    secret: str
    otpauth_uri: str
    qr_svg: str = field(repr=False)


# --- The user's authenticator app -------------------------------------------------------


def _context(user_id: int) -> str:
    return f"totp:{user_id}"


def _secret_of(device: TOTPDevice) -> str:
    plaintext, _current = crypto.decrypt(device.encrypted_secret, context=_context(device.user_id))
    return plaintext.decode()


@transaction.atomic
def start_setup(*, user: User) -> TotpSetup:
    """Begin adding an authenticator app: a new seed, pending until a code confirms it.

    A pending setup that was started before (here or on another device) is replaced,
    so only the latest QR code can be confirmed.

    Raises:
        TotpAlreadyEnabled: The user already has an app; it must be turned off first.
    """
    secret = generate_secret()
    fields = {
        "encrypted_secret": crypto.encrypt(secret.encode(), context=_context(user.pk)),
        "created": timezone.now(),
        "last_used_step": None,
    }
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        try:
            with transaction.atomic():
                TOTPDevice.objects.create(user=user, confirmed=False, **fields)
        except IntegrityError:
            # Another setup created the row in the meantime: replace it like any pending one.
            device = TOTPDevice.objects.select_for_update().get(user=user)
    if device is not None:
        if device.confirmed:
            raise TotpAlreadyEnabled
        for name, value in fields.items():
            setattr(device, name, value)
        device.save(update_fields=list(fields))
    uri = otpauth_uri(secret=secret, account=user.email)
    return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=qr_svg(uri))


def pending_setup(*, user: User) -> TotpSetup | None:
    """The setup waiting for its code, shown again (a page re-shown after a wrong code).

    ``None`` when nothing is pending or the setup is older than its 10 minutes.
    """
    oldest = timezone.now() - app_settings.TOTP_SETUP_TIMEOUT
    device = TOTPDevice.objects.filter(user=user, confirmed=False, created__gt=oldest).first()
    if device is None:
        return None
    secret = _secret_of(device)
    uri = otpauth_uri(secret=secret, account=user.email)
    return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=qr_svg(uri))


def confirm_setup(*, user: User, code: object, at: float | None = None) -> TOTPDevice:
    """Turn the pending authenticator app on with a code it shows.

    The code is spent: it cannot also complete a sign-in.

    Raises:
        TotpSetupExpired: Nothing is pending, or the setup is older than 10 minutes.
        InvalidCode: The code is not the app's; the setup stays pending.
    """
    oldest = timezone.now() - app_settings.TOTP_SETUP_TIMEOUT
    device = TOTPDevice.objects.filter(user=user, confirmed=False, created__gt=oldest).first()
    if device is None:
        raise TotpSetupExpired
    step = matching_step(_secret_of(device), code, at=at)
    if step is None:
        raise InvalidCode("wrong code for the pending setup")
    # Conditional on the very seed just checked: a setup restarted meanwhile, or a
    # concurrent confirmation, makes this one a no-op rather than confirm another seed.
    confirmed = TOTPDevice.objects.filter(
        pk=device.pk, confirmed=False, encrypted_secret=bytes(device.encrypted_secret)
    ).update(confirmed=True, last_used_step=step)
    if not confirmed:
        raise TotpSetupExpired("the setup was replaced or confirmed meanwhile")
    device.confirmed, device.last_used_step = True, step
    return device


def verify_code(*, user: User, code: object, at: float | None = None) -> None:
    """Accept a code of the user's authenticator app, once.

    Of two concurrent requests with the same code, exactly one succeeds: the step is
    recorded with a conditional update (``last_used_step < step``) whose row count decides.

    Raises:
        InvalidCode: No app is on, the code is wrong or out of the drift window, or this
            code (or a later one) was already accepted.
    """
    if normalize_code(code) is None:
        raise InvalidCode("not a six-digit code")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise InvalidCode("no authenticator app")
    step = matching_step(_secret_of(device), code, at=at)
    if step is None:
        raise InvalidCode("wrong code")
    accepted = (
        TOTPDevice.objects.filter(pk=device.pk, confirmed=True)
        .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
        .update(last_used_step=step)
    )
    if not accepted:
        raise InvalidCode("code already used")


def is_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def disable(*, user: User) -> bool:
    """Turn the user's authenticator app off (and drop any pending setup).

    Returns:
        Whether an app was on.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0]:
        return True  # one row per user: there is no pending setup beside it
    TOTPDevice.objects.filter(user=user).delete()
    return False


# --- Key rotation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReencryptionReport:
    """What :func:`reencrypt_secrets` found: counts, and the owners of unreadable seeds."""

    reencrypted: int
    already_current: int
    unreadable_user_ids: list[int]


def reencrypt_secrets() -> ReencryptionReport:
    """Rewrite every seed under the current ``SECRET_KEY`` (see ``mfa/crypto.py``).

    Safe to run while the service runs, and again: a row is rewritten only if it still
    holds the ciphertext that was read, so a setup restarted meanwhile is left alone.
    """
    reencrypted = current = 0
    unreadable: list[int] = []
    rows = TOTPDevice.objects.only("pk", "user_id", "encrypted_secret").order_by("pk")
    for device in rows.iterator(chunk_size=500):
        stored = bytes(device.encrypted_secret)
        context = _context(device.user_id)
        try:
            plaintext, is_current = crypto.decrypt(stored, context=context)
        except UnreadableSecret:
            unreadable.append(device.user_id)
            continue
        if is_current:
            current += 1
        else:
            rewritten = TOTPDevice.objects.filter(pk=device.pk, encrypted_secret=stored).update(
                encrypted_secret=crypto.encrypt(plaintext, context=context)
            )
            reencrypted += rewritten
            current += 1 - rewritten  # replaced meanwhile, by a setup under the current key
    return ReencryptionReport(
        reencrypted=reencrypted, already_current=current, unreadable_user_ids=unreadable
    )
