"""Passkeys: WebAuthn credentials, verified with Duo's py_webauthn.

Every ceremony is two calls. The first makes options and stores their challenge
(:class:`~mfa.models.WebAuthnChallenge`, 5 minutes); the second takes the
credential the client's authenticator produced, finds the challenge named in its
``clientDataJSON``, consumes it, and verifies the rest against the relying-party
settings. Nothing is kept on the client between the two: a browser and a native app
(whose authenticator reports its own origin, listed in ``ACCOUNTS_WEBAUTHN_ORIGINS``)
go through the same calls.

Policy, after WebAuthn Level 3:

- user verification is required (a passkey is then a whole multi-factor sign-in);
- registration asks for a discoverable credential (``residentKey: required``) and
  ``attestation: none``: the service does not restrict authenticator models;
- a challenge is answered once, right or wrong: the first response consumes it;
- the signature counter must grow when the authenticator keeps one; a credential that
  reports 0 every time (most synced passkeys) is accepted, as the specification allows;
- a response made inside a cross-origin frame is refused: the service is never framed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from mfa.app_settings import app_settings
from mfa.errors import ChallengeExpired, InvalidCredential, InvalidPasskeyName
from mfa.models import Passkey, PasskeyUser, WebAuthnChallenge

if TYPE_CHECKING:
    from accounts.models import User

Purpose = WebAuthnChallenge.Purpose

CHALLENGE_BYTES = 32
USER_HANDLE_BYTES = 64
NAME_MAX_LENGTH = 100
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}


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


# --- Challenges ------------------------------------------------------------------------


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(value: object) -> bytes:
    """Strict base64url (``urlsafe_b64decode`` alone skips characters it does not know)."""
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        raise InvalidCredential("not base64url")
    unpadded = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCredential("not base64url") from exc


def _issue_challenge(*, purpose: str, user: User | None) -> bytes:
    now = timezone.now()
    purge_expired_challenges(now=now)
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    WebAuthnChallenge.objects.create(
        challenge=_b64url_encode(challenge),
        purpose=purpose,
        user=user,
        created=now,
        expires=now + app_settings.WEBAUTHN_CHALLENGE_TIMEOUT,
    )
    return challenge


def _client_data(credential: dict[str, Any]) -> dict[str, Any]:
    response = credential.get("response")
    if not isinstance(response, dict):
        raise InvalidCredential("no response")
    try:
        client_data = json.loads(_b64url_decode(response.get("clientDataJSON")))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise InvalidCredential("clientDataJSON is not JSON") from exc
    if not isinstance(client_data, dict):
        raise InvalidCredential("clientDataJSON is not an object")
    return client_data


def _consume_challenge(credential: dict[str, Any], *, purpose: str, user: User | None) -> bytes:
    """Find the challenge the credential answers, consume it, and return it.

    The consuming ``DELETE`` is the decision: of several responses to one challenge,
    concurrent or not, only the one whose statement deleted the row goes on.

    Raises:
        InvalidCredential: Unknown, already answered, for another ceremony or user.
        ChallengeExpired: Older than its 5 minutes.
    """
    client_data = _client_data(credential)
    if client_data.get("crossOrigin") is True:
        raise InvalidCredential("made inside a cross-origin frame")
    challenge = _b64url_decode(client_data.get("challenge"))
    row = (
        WebAuthnChallenge.objects.filter(challenge=_b64url_encode(challenge), purpose=purpose)
        .only("pk", "user_id", "expires")
        .first()
    )
    if row is None:
        raise InvalidCredential("unknown or answered challenge")
    if row.user_id != (user.pk if user is not None else None):
        raise InvalidCredential("challenge issued to someone else")
    if not WebAuthnChallenge.objects.filter(pk=row.pk).delete()[0]:
        raise InvalidCredential("challenge answered concurrently")
    if row.expires <= timezone.now():
        raise ChallengeExpired
    return challenge


def _as_object(credential: object) -> dict[str, Any]:
    """The credential as a JSON object: clients send it parsed or as a string."""
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except (ValueError, RecursionError) as exc:
            raise InvalidCredential("credential is not JSON") from exc
    if not isinstance(credential, dict):
        raise InvalidCredential("credential is not an object")
    return credential


# --- Registration ----------------------------------------------------------------------


def registration_options(*, user: User) -> dict[str, Any]:
    """Options for ``navigator.credentials.create()`` (JSON-ready, binary as base64url).

    The user's existing passkeys are excluded, so an authenticator that already holds
    one says so instead of making a second.
    """
    rp = relying_party()
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=user.email,
        user_id=user_handle(user),
        user_display_name=user.get_full_name() or user.email,
        challenge=_issue_challenge(purpose=Purpose.REGISTER, user=user),
        timeout=_timeout_ms(),
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return options_to_json_dict(options)


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


def register_passkey(*, user: User, credential: object, name: object) -> Passkey:
    """Verify a new credential from ``navigator.credentials.create()`` and keep it.

    Args:
        user: Who asked for the options (the challenge was issued to them).
        credential: The ``PublicKeyCredential`` as JSON (``RegistrationResponseJSON``).
        name: The label the user gives it.

    Raises:
        InvalidPasskeyName: See :func:`clean_name`; checked before the challenge is spent.
        InvalidCredential: Malformed, not verified (origin, RP id, user verification,
            signature), replayed, or a credential already registered.
        ChallengeExpired: The options are older than 5 minutes.
    """
    name = clean_name(name)
    data = _as_object(credential)
    challenge = _consume_challenge(data, purpose=Purpose.REGISTER, user=user)
    rp = relying_party()
    try:
        parsed = parse_registration_credential_json(data)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origins,
            require_user_verification=True,
        )
    except Exception as exc:
        # py_webauthn raises its own exceptions for what it checks but lets the decoders'
        # (base64, CBOR, COSE keys) through; each of them means the credential is not good.
        raise InvalidCredential(f"registration not verified: {exc}") from exc
    try:
        with transaction.atomic():
            return Passkey.objects.create(
                user=user,
                name=name,
                credential_id=verified.credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=[t.value for t in parsed.response.transports or []],
                aaguid=verified.aaguid,
                backup_eligible=(
                    verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE
                ),
                backed_up=verified.credential_backed_up,
                created=timezone.now(),
            )
    except IntegrityError as exc:
        raise InvalidCredential("credential already registered") from exc


# --- Authentication --------------------------------------------------------------------


def authentication_options(*, purpose: str, user: User | None = None) -> dict[str, Any]:
    """Options for ``navigator.credentials.get()`` (JSON-ready, binary as base64url).

    Args:
        purpose: ``login`` for a sign-in with a discoverable passkey (no user yet: the
            authenticator offers its passkeys for this site); ``mfa`` or ``reauthenticate``
            for a known user, whose passkeys are listed in ``allowCredentials``.
        user: The known user; required for ``mfa`` and ``reauthenticate``, refused for ``login``.
    """
    _check_purpose(purpose, user)
    options = generate_authentication_options(
        rp_id=relying_party().id,
        challenge=_issue_challenge(purpose=purpose, user=user),
        timeout=_timeout_ms(),
        allow_credentials=_descriptors(user) if user is not None else [],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json_dict(options)


def authenticate(*, purpose: str, credential: object, user: User | None = None) -> Passkey:
    """Verify an assertion from ``navigator.credentials.get()``.

    Args:
        purpose: The purpose the options were made for (see :func:`authentication_options`).
        credential: The ``PublicKeyCredential`` as JSON (``AuthenticationResponseJSON``).
        user: The known user for ``mfa`` and ``reauthenticate``; ``None`` for ``login``.

    Returns:
        The passkey used, with ``user`` loaded: for ``login`` that is who signs in.

    Raises:
        InvalidCredential: Malformed, unknown, another user's, a user handle that is not
            its owner's (or missing, for ``login``), an inactive owner, not verified
            (origin, RP id, user verification, signature), a counter that went back,
            or a replayed challenge.
        ChallengeExpired: The options are older than 5 minutes.
    """
    _check_purpose(purpose, user)
    data = _as_object(credential)
    try:
        parsed = parse_authentication_credential_json(data)
    except Exception as exc:  # as in register_passkey: any decoder's error means "not good"
        raise InvalidCredential(f"assertion malformed: {exc}") from exc
    challenge = _consume_challenge(data, purpose=purpose, user=user)
    passkey = (
        Passkey.objects.select_related("user", "user__passkey_user")
        .filter(credential_id=parsed.raw_id)
        .first()
    )
    if passkey is None or not passkey.user.is_active:
        raise InvalidCredential("unknown credential")
    if user is not None and passkey.user_id != user.pk:
        raise InvalidCredential("another user's credential")
    _check_user_handle(passkey, parsed.response.user_handle, required=user is None)
    rp = relying_party()
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origins,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except Exception as exc:  # as in register_passkey
        raise InvalidCredential(f"assertion not verified: {exc}") from exc
    now = timezone.now()
    recorded = Passkey.objects.filter(pk=passkey.pk)
    if verified.new_sign_count:
        # Two assertions counted against the same stored value: only the higher count may land.
        recorded = recorded.filter(sign_count__lt=verified.new_sign_count)
    if not recorded.update(
        sign_count=verified.new_sign_count, last_used=now, backed_up=verified.credential_backed_up
    ):
        raise InvalidCredential("signature counter did not advance")
    passkey.sign_count, passkey.last_used = verified.new_sign_count, now
    passkey.backed_up = verified.credential_backed_up
    return passkey


def _check_purpose(purpose: str, user: User | None) -> None:
    # A caller's mistake, not the client's: it surfaces as a server error in tests.
    if purpose not in {Purpose.LOGIN, Purpose.MFA, Purpose.REAUTHENTICATE}:
        raise ValueError(f"not an authentication purpose: {purpose!r}")
    if (purpose == Purpose.LOGIN) != (user is None):
        raise ValueError("login takes no user; mfa and reauthenticate need one")


def _check_user_handle(passkey: Passkey, returned: bytes | None, *, required: bool) -> None:
    """The returned user handle, when given (always, for discoverable sign-in), is the owner's."""
    if returned is None and not required:
        return
    owner = getattr(passkey.user, "passkey_user", None)
    if returned is None or owner is None or not hmac.compare_digest(bytes(owner.handle), returned):
        raise InvalidCredential("user handle is not the credential owner's")


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    """The user's credentials as options name them, with the transports they were seen on."""
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(credential_id),
            transports=[AuthenticatorTransport(t) for t in transports if t in _TRANSPORTS] or None,
        )
        for credential_id, transports in Passkey.objects.filter(user=user)
        .order_by("pk")
        .values_list("credential_id", "transports")
    ]


def _timeout_ms() -> int:
    return int(app_settings.WEBAUTHN_CHALLENGE_TIMEOUT.total_seconds() * 1000)


# --- The user's passkeys -----------------------------------------------------------------


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


def purge_expired_challenges(*, now: datetime | None = None) -> int:
    """Delete the challenges nobody answered in time (answered ones are deleted already).

    Each new set of options calls it, so the table holds about five minutes of them.
    """
    deleted, _ = WebAuthnChallenge.objects.filter(expires__lte=now or timezone.now()).delete()
    return deleted
