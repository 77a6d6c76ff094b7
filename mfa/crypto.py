"""Encryption of the secrets this app must be able to read back (TOTP seeds).

A TOTP seed cannot be hashed: checking a code needs the seed itself. It is stored
encrypted with AES-256-GCM, so a copy of the database (a backup, a replica, a leaked
dump) holds no usable seed without the application's key as well.

Which key: ``SECRET_KEY``, stretched with HKDF-SHA256 under a label of this purpose, so
the AES key is never the secret key itself and serves nothing else. Each value carries a
random 96-bit nonce and a *context* as associated data (the owner, e.g. ``totp:42``):
a ciphertext copied into another user's row does not decrypt there.

How it rotates: Django's documented rotation. Put the new key in ``SECRET_KEY`` and the
old one first in ``SECRET_KEY_FALLBACKS``; reading tries the current key, then each
fallback, so every secret stays readable. Then run ``manage.py reencrypt_mfa_secrets``,
which rewrites every value under the current key; once it reports none left under an
old key, the old key can leave ``SECRET_KEY_FALLBACKS``. A key that is dropped before
that makes the secrets it encrypted unreadable (:class:`~mfa.errors.UnreadableSecret`).

Stored form: ``0x01 | nonce (12 bytes) | ciphertext and tag``; the leading version byte
leaves room for another scheme to sit beside this one.
"""

from __future__ import annotations

import os

from django.conf import settings

from mfa.errors import UnreadableSecret

VERSION = b"\x01"
NONCE_BYTES = 12
_KDF_LABEL = b"accounts.mfa.crypto.secret-encryption.v1"


# ``cryptography`` is loaded by the first call that seals or opens a secret (a second
# factor's set-up or check), not by every worker: most requests never need it.


def _derive_key(secret_key: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_LABEL).derive(
        secret_key.encode()
    )


def _keys() -> list[bytes]:
    """The current key first, then one per fallback, in the order Django tries them."""
    return [_derive_key(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def encrypt(plaintext: bytes, *, context: str) -> bytes:
    """Encrypt under the current ``SECRET_KEY``.

    Args:
        plaintext: The secret.
        context: Who the secret belongs to (``"totp:<user id>"``); decrypting needs the same.

    Returns:
        The stored form, which is never the same twice for the same secret.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_keys()[0]).encrypt(nonce, plaintext, context.encode())
    return VERSION + nonce + sealed


def decrypt(stored: bytes | memoryview, *, context: str) -> tuple[bytes, bool]:
    """Decrypt with the current key or any fallback.

    Returns:
        The secret, and whether it was encrypted under the current key (``False`` means
        :func:`encrypt` should be called again before the fallback is retired).

    Raises:
        UnreadableSecret: No configured key opens it, or it is not in our format.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    stored = bytes(stored)  # PostgreSQL hands binary columns back as memoryview
    if stored[:1] != VERSION or len(stored) < 1 + NONCE_BYTES + 16:
        raise UnreadableSecret(f"not an encrypted secret (context {context})")
    nonce, sealed = stored[1 : 1 + NONCE_BYTES], stored[1 + NONCE_BYTES :]
    for index, key in enumerate(_keys()):
        try:
            plaintext = AESGCM(key).decrypt(nonce, sealed, context.encode())
        except InvalidTag:
            continue
        return plaintext, index == 0
    raise UnreadableSecret(f"no configured key decrypts the secret (context {context})")
