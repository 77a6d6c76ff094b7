"""This app's answers to sign-in and step-up (``accounts.security.second_factors``).

``accounts`` never imports this app: it is handed this provider when the app loads
(``MfaConfig.ready``), and asks it which users have a second factor, which factors,
and whether an answer is right.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q

from accounts.models import User
from core.client import Client
from mfa import base, flows, passkeys, recovery_codes, selectors, totp
from mfa.errors import InvalidCode
from mfa.models import Passkey, TOTPDevice


class MfaSecondFactors:
    """Authenticator apps, recovery codes and passkeys, as ``accounts`` sees them."""

    def annotation(self) -> Expression:
        """True when the user has a factor that makes sign-in ask for a second step.

        Recovery codes alone do not (``mfa.base.FACTORS``): they stand in for another.
        """
        return ExpressionWrapper(
            Q(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
            | Q(Exists(Passkey.objects.filter(user=OuterRef("pk")))),
            output_field=BooleanField(),
        )

    def methods(self, user: User) -> list[str]:
        return base.active_factors(user)

    def verify(
        self,
        *,
        user: User,
        purpose: str,
        client: Client,
        code: str | None = None,
        recovery_code: str | None = None,
        credential: object = None,
    ) -> str:
        if code is not None:
            totp.verify_code(user=user, code=code)
            return base.TOTP
        if recovery_code is not None:
            try:
                recovery_codes.use_code(user=user, code=recovery_code)
            except InvalidCode as refusal:
                raise InvalidCode(refusal.reason, field="recovery_code") from None
            return base.RECOVERY_CODE
        if credential is not None:
            passkeys.authenticate(purpose=purpose, credential=credential, user=user)
            return base.PASSKEY
        raise InvalidCode("no answer")

    def passkey_options(self, *, purpose: str, user: User | None = None) -> dict[str, Any]:
        return passkeys.authentication_options(purpose=purpose, user=user)

    def sign_in_with_passkey(self, *, credential: object, client: Client) -> User:
        return passkeys.authenticate(purpose=passkeys.Purpose.LOGIN, credential=credential).user

    def describe(self, user: User) -> dict[str, Any]:
        return selectors.factor_summary(user)

    def remove_all(self, *, user: User, client: Client) -> list[str]:
        return flows.remove_all_factors(user=user, client=client)
