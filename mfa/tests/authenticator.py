"""A software WebAuthn authenticator and client, written from the WebAuthn Level 3 spec.

It stands where a browser and a security key (or a phone's platform authenticator)
would: it answers the service's options with real attestation objects and assertions,
signed with its own P-256 key, for whatever origin and RP id a test says the client
saw. Nothing in it comes from the library under test: CBOR, COSE, authenticator data
and signatures are built here, so a test that passes shows that the service accepts
what a real client sends, and only that.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

# Authenticator data flags (WebAuthn section 6.1).
UP = 0x01  # user present
UV = 0x04  # user verified
BE = 0x08  # backup eligible
BS = 0x10  # backed up
AT = 0x40  # attested credential data included

COSE_ALG_ES256 = -7


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def cbor(value: object) -> bytes:
    """CBOR (RFC 8949) for the types WebAuthn uses: integers, bytes, text, arrays, maps."""
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode()
        return _head(3, len(encoded)) + encoded
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(cbor(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(f"no CBOR encoding for {type(value).__name__}")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for extra, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | extra]) + struct.pack(fmt, argument)
    raise ValueError("argument too large")


class SoftwareAuthenticator:
    """One discoverable credential on one P-256 key, with the client around it.

    Args:
        counter_step: How much the signature counter grows per use; 0 for an
            authenticator that keeps no counter (as most synced passkeys report).
        user_verification: Whether it verifies the user (PIN, biometrics): sets UV.
        backup_eligible: Whether the credential is a synced passkey (BE and BS).
        attestation: ``"none"``, or ``"packed"`` for self attestation.
    """

    def __init__(
        self,
        *,
        counter_step: int = 1,
        user_verification: bool = True,
        backup_eligible: bool = False,
        attestation: str = "none",
        aaguid: bytes = bytes(16),
    ) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter_step = counter_step
        self.sign_count = 0
        self.user_verification = user_verification
        self.backup_eligible = backup_eligible
        self.attestation = attestation
        self.aaguid = aaguid
        self.user_handle: bytes | None = None

    @property
    def credential_id_b64(self) -> str:
        return b64url(self.credential_id)

    def cose_public_key(self) -> bytes:
        """The public key as a COSE_Key map (RFC 9053): EC2, ES256, P-256, x, y."""
        numbers = self.private_key.public_key().public_numbers()
        return cbor(
            {
                1: 2,  # kty: EC2
                3: COSE_ALG_ES256,  # alg
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def authenticator_data(self, rp_id: str, *, attested: bool) -> bytes:
        """Authenticator data: rpIdHash, flags, signCount, and the attested credential if asked."""
        flags = UP | (UV if self.user_verification else 0) | (AT if attested else 0)
        if self.backup_eligible:
            flags |= BE | BS
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        data += struct.pack(">I", self.sign_count)
        if attested:
            data += self.aaguid + struct.pack(">H", len(self.credential_id)) + self.credential_id
            data += self.cose_public_key()
        return data

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))

    @staticmethod
    def client_data(kind: str, challenge: str, origin: str, **extra: object) -> bytes:
        """The client's ``clientDataJSON``: what it asked for, the challenge, where from."""
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False, **extra}
        ).encode()

    def create(
        self,
        options: dict[str, Any],
        *,
        origin: str,
        rp_id: str | None = None,
        challenge: str | None = None,
        **client_extra: object,
    ) -> dict[str, Any]:
        """Answer creation options as ``navigator.credentials.create()`` would.

        Returns a ``RegistrationResponseJSON``.

        ``rp_id`` and ``challenge`` default to the options'; a test changes them to play a
        client that lies or a response meant for someone else.
        """
        rp_id = rp_id or options["rp"]["id"]
        self.user_handle = b64url_decode(options["user"]["id"])
        client_data = self.client_data(
            "webauthn.create", challenge or options["challenge"], origin, **client_extra
        )
        auth_data = self.authenticator_data(rp_id, attested=True)
        statement: dict[str, object] = {}
        if self.attestation == "packed":  # self attestation: signed by the credential itself
            signature = self.sign(auth_data + hashlib.sha256(client_data).digest())
            statement = {"alg": COSE_ALG_ES256, "sig": signature}
        attestation_object = cbor(
            {"fmt": self.attestation, "attStmt": statement, "authData": auth_data}
        )
        return {
            "id": self.credential_id_b64,
            "rawId": self.credential_id_b64,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation_object),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str,
        rp_id: str | None = None,
        user_handle: bytes | bool | None = True,
        **client_extra: object,
    ) -> dict[str, Any]:
        """Answer request options as ``navigator.credentials.get()`` would.

        Returns an ``AuthenticationResponseJSON``.

        Args:
            options: The request options.
            origin: The origin the client reports.
            rp_id: The RP id the authenticator signs for; the options' by default.
            user_handle: ``True`` for the handle stored at registration, ``False`` for
                none (as a non-discoverable credential answers), or other bytes.
            **client_extra: More members of ``clientDataJSON``.
        """
        rp_id = rp_id or options["rpId"]
        self.sign_count += self.counter_step
        client_data = self.client_data("webauthn.get", options["challenge"], origin, **client_extra)
        auth_data = self.authenticator_data(rp_id, attested=False)
        signature = self.sign(auth_data + hashlib.sha256(client_data).digest())
        handle = self.user_handle if user_handle is True else user_handle or None
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
        }
        if handle is not None:
            response["userHandle"] = b64url(handle)
        return {
            "id": self.credential_id_b64,
            "rawId": self.credential_id_b64,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        }
