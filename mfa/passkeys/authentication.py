"""Proving who you are with a passkey: request options, then the verified assertion."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from webauthn import generate_authentication_options, verify_authentication_response
from webauthn.helpers import options_to_json_dict, parse_authentication_credential_json
from webauthn.helpers.structs import UserVerificationRequirement

from mfa.errors import InvalidCredential
from mfa.models import Passkey
from mfa.passkeys import challenges
from mfa.passkeys.common import Purpose, as_object, descriptors, relying_party, timeout_ms

if TYPE_CHECKING:
    from accounts.models import User


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
        challenge=challenges.issue(purpose=purpose, user=user),
        timeout=timeout_ms(),
        allow_credentials=descriptors(user) if user is not None else [],
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
    data = as_object(credential)
    try:
        parsed = parse_authentication_credential_json(data)
    except Exception as exc:  # as in register_passkey: any decoder's error means "not good"
        raise InvalidCredential(f"assertion malformed: {exc}") from exc
    challenge = challenges.consume(data, purpose=purpose, user=user)
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
