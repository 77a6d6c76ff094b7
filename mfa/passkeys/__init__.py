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

The two ceremonies (``authentication``, ``registration``) need py_webauthn, with its
ASN.1, CBOR, cryptography and OpenSSL bindings: about 15 MiB in every worker that loads
them. They are loaded by the first request that uses one (PEP 562 ``__getattr__``
below), not when the app starts; listing, renaming and removing passkeys need none of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mfa.passkeys.challenges import purge_expired_challenges
from mfa.passkeys.common import (
    NAME_MAX_LENGTH,
    Purpose,
    RelyingParty,
    clean_name,
    relying_party,
    user_handle,
)
from mfa.passkeys.store import list_passkeys, remove_passkey, rename_passkey

if TYPE_CHECKING:
    from mfa.passkeys.authentication import authenticate, authentication_options
    from mfa.passkeys.registration import register_passkey, registration_options

_LAZY = {
    "authenticate": "authentication",
    "authentication_options": "authentication",
    "register_passkey": "registration",
    "registration_options": "registration",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "NAME_MAX_LENGTH",
    "Purpose",
    "RelyingParty",
    "authenticate",
    "authentication_options",
    "clean_name",
    "list_passkeys",
    "purge_expired_challenges",
    "register_passkey",
    "registration_options",
    "relying_party",
    "remove_passkey",
    "rename_passkey",
    "user_handle",
]
