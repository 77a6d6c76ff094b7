"""Challenges: issued with the options, consumed once by the answer that names them.

The challenge is found from the credential's ``clientDataJSON``, so nothing is kept on
the client between the two calls of a ceremony: browsers and native apps alike.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from mfa.app_settings import app_settings
from mfa.errors import ChallengeExpired, InvalidCredential
from mfa.models import WebAuthnChallenge
from mfa.passkeys.common import CHALLENGE_BYTES, b64url_decode, b64url_encode

if TYPE_CHECKING:
    from accounts.models import User


def issue(*, purpose: str, user: User | None) -> bytes:
    now = timezone.now()
    purge_expired_challenges(now=now)
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    WebAuthnChallenge.objects.create(
        challenge=b64url_encode(challenge),
        purpose=purpose,
        user=user,
        created=now,
        expires=now + app_settings.WEBAUTHN_CHALLENGE_TIMEOUT,
    )
    return challenge


def read_client_data(credential: dict[str, Any]) -> dict[str, Any]:
    response = credential.get("response")
    if not isinstance(response, dict):
        raise InvalidCredential("no response")
    try:
        client_data = json.loads(b64url_decode(response.get("clientDataJSON")))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise InvalidCredential("clientDataJSON is not JSON") from exc
    if not isinstance(client_data, dict):
        raise InvalidCredential("clientDataJSON is not an object")
    return client_data


def consume(credential: dict[str, Any], *, purpose: str, user: User | None) -> bytes:
    """Find the challenge the credential answers, consume it, and return it.

    The consuming ``DELETE`` is the decision: of several responses to one challenge,
    concurrent or not, only the one whose statement deleted the row goes on.

    Raises:
        InvalidCredential: Unknown, already answered, for another ceremony or user.
        ChallengeExpired: Older than its 5 minutes.
    """
    client_data = read_client_data(credential)
    if client_data.get("crossOrigin") is True:
        raise InvalidCredential("made inside a cross-origin frame")
    challenge = b64url_decode(client_data.get("challenge"))
    row = (
        WebAuthnChallenge.objects.filter(challenge=b64url_encode(challenge), purpose=purpose)
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


def purge_expired_challenges(*, now: datetime | None = None) -> int:
    """Delete the challenges nobody answered in time (answered ones are deleted already).

    Each new set of options calls it, so the table holds about five minutes of them.
    """
    deleted, _ = WebAuthnChallenge.objects.filter(expires__lte=now or timezone.now()).delete()
    return deleted
