"""What every passkey ceremony shares: the relying party, user handles, encodings."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from mfa.app_settings import app_settings
from mfa.errors import InvalidCredential, InvalidPasskeyName
from mfa.models import Passkey, PasskeyUser, WebAuthnChallenge

if TYPE_CHECKING:
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    from accounts.models import User

Purpose = WebAuthnChallenge.Purpose

CHALLENGE_BYTES = 32
USER_HANDLE_BYTES = 64
NAME_MAX_LENGTH = 100
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkeys belong to: the id they are scoped to and the origins allowed to ask."""

    id: str
    name: str
    origins: list[str]


def relying_party() -> RelyingParty:
    """The relying party from the settings (``mfa/app_settings.py`` holds the defaults)."""
    return RelyingParty(
        id=app_settings.WEBAUTHN_RP_ID,
        name=app_settings.WEBAUTHN_RP_NAME,
        origins=app_settings.WEBAUTHN_ORIGINS,
    )


# --- User handles ----------------------------------------------------------------------


def user_handle(user: User) -> bytes:
    """The user's WebAuthn user handle, made on first use (64 random bytes)."""
    existing = PasskeyUser.objects.filter(user=user).values_list("handle", flat=True).first()
    if existing is not None:
        return bytes(existing)
    handle = secrets.token_bytes(USER_HANDLE_BYTES)
    try:
        with transaction.atomic():
            PasskeyUser.objects.create(user=user, handle=handle)
    except IntegrityError:
        # Made by a concurrent request in the meantime: the first one stays.
        return bytes(PasskeyUser.objects.values_list("handle", flat=True).get(user=user))
    return handle


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: object) -> bytes:
    """Strict base64url (``urlsafe_b64decode`` alone skips characters it does not know)."""
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        raise InvalidCredential("not base64url")
    unpadded = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCredential("not base64url") from exc


def as_object(credential: object) -> dict[str, Any]:
    """The credential as a JSON object: clients send it parsed or as a string."""
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except (ValueError, RecursionError) as exc:
            raise InvalidCredential("credential is not JSON") from exc
    if not isinstance(credential, dict):
        raise InvalidCredential("credential is not an object")
    return credential


def descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    """The user's credentials as options name them, with the transports they were seen on."""
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    known = {transport.value for transport in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(credential_id),
            transports=[AuthenticatorTransport(t) for t in transports if t in known] or None,
        )
        for credential_id, transports in Passkey.objects.filter(user=user)
        .order_by("pk")
        .values_list("credential_id", "transports")
    ]


def timeout_ms() -> int:
    return int(app_settings.WEBAUTHN_CHALLENGE_TIMEOUT.total_seconds() * 1000)


def clean_name(name: object) -> str:
    """The passkey's name, trimmed.

    Raises:
        InvalidPasskeyName: Empty, longer than 100 characters, or with control characters.
    """
    if not isinstance(name, str):
        raise InvalidPasskeyName("not a string")
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise InvalidPasskeyName("empty or too long")
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in name):
        raise InvalidPasskeyName("control characters")
    return name
