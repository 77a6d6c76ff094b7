"""Encryption of stored secrets: AES-GCM under a key derived from SECRET_KEY, rotatable."""

from __future__ import annotations

import pytest

from mfa import crypto
from mfa.errors import UnreadableSecret

NEW_KEY = "rotated-" + "r" * 60


def test_a_secret_decrypts_to_itself_and_reports_the_current_key():
    stored = crypto.encrypt(b"seed", context="totp:1")

    assert crypto.decrypt(stored, context="totp:1") == (b"seed", True)


def test_the_same_secret_encrypts_differently_each_time():
    assert crypto.encrypt(b"seed", context="totp:1") != crypto.encrypt(b"seed", context="totp:1")


def test_the_stored_form_holds_neither_the_secret_nor_the_key(settings):
    stored = crypto.encrypt(b"JBSWY3DPEHPK3PXP", context="totp:1")

    assert b"JBSWY3DPEHPK3PXP" not in stored
    assert settings.SECRET_KEY.encode() not in stored
    assert stored[:1] == crypto.VERSION


def test_another_context_does_not_decrypt():
    stored = crypto.encrypt(b"seed", context="totp:1")

    with pytest.raises(UnreadableSecret):
        crypto.decrypt(stored, context="totp:2")


def test_a_tampered_value_does_not_decrypt():
    stored = bytearray(crypto.encrypt(b"seed", context="totp:1"))
    stored[-1] ^= 1

    with pytest.raises(UnreadableSecret):
        crypto.decrypt(bytes(stored), context="totp:1")


@pytest.mark.parametrize("stored", [b"", b"\x01", b"\x02" + bytes(40), b"JBSWY3DPEHPK3PXP"])
def test_values_not_in_the_format_are_unreadable(stored):
    with pytest.raises(UnreadableSecret):
        crypto.decrypt(stored, context="totp:1")


def test_a_fallback_key_still_decrypts_and_says_it_is_not_current(settings):
    stored = crypto.encrypt(b"seed", context="totp:1")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = NEW_KEY

    assert crypto.decrypt(stored, context="totp:1") == (b"seed", False)
    assert crypto.decrypt(crypto.encrypt(b"seed", context="totp:1"), context="totp:1") == (
        b"seed",
        True,
    )


def test_without_the_old_key_the_value_is_unreadable(settings):
    stored = crypto.encrypt(b"seed", context="totp:1")
    settings.SECRET_KEY = NEW_KEY

    with pytest.raises(UnreadableSecret):
        crypto.decrypt(stored, context="totp:1")
