"""Sign-ins waiting for their second step: begun by the password, finished by a factor.

One server-side record (``PendingSignIn``) for every interface, as allauth's login
stages or Kratos' flows: the API hands its opaque token to the client as ``mfa_token``,
the account pages carry it in their second-step form. The record is the only state.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.db.models import F
from django.utils import timezone

from accounts.app_settings import app_settings
from accounts.models import PendingSignIn, User

#: Wrong answers that void a pending sign-in.
MAX_FAILURES = 5


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def begin(*, user: User, purpose: str, binding: str, token_name: str = "") -> str:
    """Record a sign-in waiting for its second step; return its token (shown once).

    Args:
        user: Whose password was right.
        purpose: ``session`` or ``token``: what completing it starts.
        binding: What ties it to the client that asked (a hash).
        token_name: The bearer token's name, for ``token``.
    """
    now = timezone.now()
    PendingSignIn.objects.filter(user=user, expires__lte=now).delete()
    token = secrets.token_urlsafe(32)
    PendingSignIn.objects.create(
        token_hash=_hash(token),
        user=user,
        purpose=purpose,
        token_name=token_name,
        binding=binding,
        expires=now + app_settings.MFA_TOKEN_TTL,
    )
    return token


#: The client's binding for a purpose (``accounts.authentication.binding_of``).
Binding = Callable[[str], str]


def find(token: object, *, binding: Binding) -> PendingSignIn | None:
    """The live pending sign-in of ``token`` for this client, with its user; else ``None``."""
    if not isinstance(token, str) or not 16 <= len(token) <= 128:
        return None
    pending = (
        PendingSignIn.objects.select_related("user")
        .filter(token_hash=_hash(token), expires__gt=timezone.now())
        .first()
    )
    if pending is None or not hmac.compare_digest(pending.binding, binding(pending.purpose)):
        return None
    if pending.failures >= MAX_FAILURES or not pending.user.is_active:
        return None
    return pending


def record_failure(pending: PendingSignIn) -> bool:
    """Count a wrong answer; return whether the sign-in is now void (and deleted)."""
    PendingSignIn.objects.filter(pk=pending.pk).update(failures=F("failures") + 1)
    voided, _by_model = PendingSignIn.objects.filter(
        pk=pending.pk, failures__gte=MAX_FAILURES
    ).delete()
    return bool(voided)


def consume(pending: PendingSignIn) -> bool:
    """Use the sign-in up; of simultaneous uses exactly one gets ``True``."""
    deleted, _by_model = PendingSignIn.objects.filter(pk=pending.pk).delete()
    return bool(deleted)
