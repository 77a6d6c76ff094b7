"""Adding a passkey: creation options, then the verified credential kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from webauthn import generate_registration_options, verify_registration_response
from webauthn.helpers import options_to_json_dict, parse_registration_credential_json
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    CredentialDeviceType,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from mfa.errors import InvalidCredential
from mfa.models import Passkey
from mfa.passkeys import challenges
from mfa.passkeys.common import (
    Purpose,
    as_object,
    clean_name,
    descriptors,
    relying_party,
    timeout_ms,
    user_handle,
)

if TYPE_CHECKING:
    from accounts.models import User


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
        challenge=challenges.issue(purpose=Purpose.REGISTER, user=user),
        timeout=timeout_ms(),
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=descriptors(user),
    )
    return options_to_json_dict(options)


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
    data = as_object(credential)
    challenge = challenges.consume(data, purpose=Purpose.REGISTER, user=user)
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
