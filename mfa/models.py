"""What the second factors store: never a usable secret in clear.

Names here are for the admin and are not translated yet; every message a user reads
comes from the interfaces, which map this app's error codes.

- ``TOTPDevice``: the user's authenticator app, its seed encrypted (``mfa/crypto.py``);
- ``RecoveryCode``: one row per code, only a keyed hash of it;
- ``PasskeyUser`` and ``Passkey``: the user's opaque WebAuthn handle and public keys;
- ``WebAuthnChallenge``: the server's half of a passkey ceremony, answerable once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TOTPDevice(models.Model):
    """The user's authenticator app (RFC 6238); at most one per user.

    A row with ``confirmed`` false is a pending setup: it becomes the user's factor when
    a code from the app is confirmed within 10 minutes of ``created``, and starting a
    new setup replaces it. ``last_used_step`` is the RFC 6238 time step of the last
    accepted code: only a code of a later step is accepted, so each code works once.

    Attributes:
        user: The owner.
        encrypted_secret: The seed, encrypted with the context ``totp:<user id>``.
        confirmed: Whether the app is on (a code from it was confirmed).
        created: When the setup started.
        last_used_step: Time step of the last accepted code; ``None`` until one is.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    encrypted_secret = models.BinaryField()
    confirmed = models.BooleanField(default=False)
    created = models.DateTimeField()
    last_used_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "authenticator app"
        verbose_name_plural = "authenticator apps"

    def __str__(self) -> str:
        return f"TOTP of user {self.user_id} ({'on' if self.confirmed else 'pending'})"


class RecoveryCode(models.Model):
    """One of the user's recovery codes, stored as a keyed hash and usable once.

    A user has one set at a time (10 codes); making a new set deletes the old one.

    Attributes:
        user: The owner.
        digest: HMAC-SHA256 of the normalised code (``mfa/recovery_codes.py`` says why).
        created: When the set was made.
        used_at: When the code was spent; ``None`` while it can still be used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    created = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "recovery code"
        verbose_name_plural = "recovery codes"
        constraints = [
            # Also the index that finds a code: user first, then the digest.
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"Recovery code of user {self.user_id} ({'used' if self.used_at else 'unused'})"


class PasskeyUser(models.Model):
    """The user's WebAuthn user handle: random bytes, made once, never the primary key.

    Authenticators store the handle with every discoverable credential and return it
    when signing in; WebAuthn asks for an opaque value so that it reveals nothing about
    the account (not its id, not its email) to whoever reads the authenticator.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkey_user"
    )
    handle = models.BinaryField(max_length=64, unique=True)

    class Meta:
        verbose_name = "passkey user handle"
        verbose_name_plural = "passkey user handles"

    def __str__(self) -> str:
        return f"Passkey handle of user {self.user_id}"


class Passkey(models.Model):
    """A WebAuthn public-key credential; a user may have several.

    Attributes:
        user: The owner.
        name: A label the user chose ("Laptop", "Phone").
        credential_id: The authenticator's id of the credential, unique across users.
        public_key: The credential public key, COSE-encoded, as the authenticator gave it.
        sign_count: The authenticator's signature counter at the last use (0 if it keeps none).
        transports: How the authenticator was reached (``usb``, ``internal``, ``hybrid``...),
            handed back to the browser so it can offer the right one.
        aaguid: The authenticator model's id ("00000000-..." when it does not say).
        backup_eligible: Whether the credential can be synced to other devices.
        backed_up: Whether it was synced at its last use.
        created: When it was registered.
        last_used: When it last signed the user in or confirmed an action.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=100)
    credential_id = models.BinaryField(max_length=1023)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    backup_eligible = models.BooleanField(default=False)
    backed_up = models.BooleanField(default=False)
    created = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "passkey"
        verbose_name_plural = "passkeys"
        constraints = [
            # WebAuthn: a credential id registered to one account is refused for another.
            models.UniqueConstraint(fields=["credential_id"], name="passkey_credential_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (user {self.user_id})"


class WebAuthnChallenge(models.Model):
    """A challenge handed out with passkey options, answerable once within 5 minutes.

    It lives in a table rather than in a session, because a passkey response names its
    challenge (in ``clientDataJSON``): the server finds it from the response alone, so a
    native app signs in with no cookie and no state of its own.

    Attributes:
        challenge: The random challenge, base64url without padding, as clients send it back.
        purpose: Which ceremony it opens; a response is accepted only by that ceremony.
        user: For whom, when known in advance (registration, step-up, second step).
        created: When the options were made.
        expires: When it stops being accepted.
    """

    class Purpose(models.TextChoices):
        REGISTER = "register", "register a passkey"
        LOGIN = "login", "sign in with a passkey"
        REAUTHENTICATE = "reauthenticate", "confirm a sensitive action"
        MFA = "mfa", "second step of a sign-in"

    challenge = models.CharField(max_length=128, unique=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webauthn_challenges",
    )
    created = models.DateTimeField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "passkey challenge"
        verbose_name_plural = "passkey challenges"
        constraints = [
            # Sign-in with a discoverable passkey is the only ceremony with no user yet.
            models.CheckConstraint(
                condition=Q(purpose="login") | Q(user__isnull=False),
                name="webauthn_challenge_user_unless_login",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} challenge (expires {self.expires:%Y-%m-%d %H:%M:%S})"
