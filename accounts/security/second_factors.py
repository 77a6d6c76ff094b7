"""How sign-in and step-up ask about second factors, without knowing any of them.

The ``mfa`` app knows the factors (authenticator apps, recovery codes, passkeys) and
registers a :class:`SecondFactors` provider when it loads; this app never imports it.
Sign-in must know whether a user has a second factor without a query of its own, so
that users without one keep the login's query budget: the provider gives a boolean
expression that the sign-in lookup annotates (``has_second_factor``).

Without a provider (the app not installed) nobody has a second factor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import BooleanField, Expression, Value

if TYPE_CHECKING:
    from accounts.models import User
    from core.client import Client

#: The names clients see in ``methods``: what a user can prove themselves with.
PASSWORD = "password"  # noqa: S105 - a method's name, not a secret


class SecondFactors(Protocol):
    """What the ``mfa`` app answers for this app."""

    def annotation(self) -> Expression:
        """A boolean expression over ``User``: whether sign-in needs a second step."""

    def methods(self, user: User) -> list[str]:
        """The second factors the user can answer with (``totp``, ``recovery_code``, …)."""

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
        """Check one second factor of ``user``; return the method used.

        Raises:
            ServiceError: The answer is wrong, malformed or spent (``invalid_code``…).
        """

    def passkey_options(self, *, purpose: str, user: User | None = None) -> dict[str, Any]:
        """WebAuthn request options for ``purpose`` (``login``, ``mfa``, ``reauthenticate``)."""

    def sign_in_with_passkey(self, *, credential: object, client: Client) -> User:
        """The user whose discoverable passkey made ``credential``: a whole sign-in."""

    def describe(self, user: User) -> dict[str, Any]:
        """The user's factors as JSON-ready metadata (for the export): never a secret."""

    def remove_all(self, *, user: User, client: Client) -> list[str]:
        """Remove every factor of ``user`` (staff), with its event and email; return their names."""


_provider: SecondFactors | None = None


def register(provider: SecondFactors) -> None:
    """Install the provider (called by the ``mfa`` app when it loads)."""
    global _provider
    _provider = provider


def provider() -> SecondFactors | None:
    return _provider


def sign_in_annotation() -> Expression:
    """``has_second_factor`` for the sign-in lookup (false without a provider)."""
    if _provider is None:
        return Value(False, output_field=BooleanField())
    return _provider.annotation()


def has_second_factor(user: User) -> bool:
    """Whether ``user`` must answer a second factor; free when sign-in annotated it."""
    annotated = getattr(user, "has_second_factor", None)
    if annotated is not None:
        return bool(annotated)
    return bool(_provider is not None and _provider.methods(user))


def methods(user: User) -> list[str]:
    """The second factors ``user`` can answer with (empty without any)."""
    return _provider.methods(user) if _provider is not None else []


def describe(user: User) -> dict[str, Any]:
    """The metadata of ``user``'s second factors (empty without a provider)."""
    return _provider.describe(user) if _provider is not None else {}


def remove_all(*, user: User, client: Client) -> list[str]:
    """Remove every second factor of ``user``, for staff; the names of those removed."""
    return _provider.remove_all(user=user, client=client) if _provider is not None else []
