"""Models for the accounts application.

The custom user model and its manager use the email address as the only identifier;
``UserSession`` is the server-side session registry that users can list and revoke.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from accounts.validators import (
    validate_currency,
    validate_language,
    validate_no_control_characters,
)


def normalize_email(email: str) -> str:
    """Return the stored form of an email address: trimmed and lower-case."""
    return email.strip().lower()


#: Sent before ``User.objects.filter(...).update(...)`` writes, with the ``user_ids``
#: and the ``fields`` it changes: saves and deletes send Django's signals, a bulk update
#: sends none, and cached copies of users must be forgotten whichever way a row changes
#: (``accounts.security.cache``).
users_about_to_change = Signal()


class UserQuerySet(models.QuerySet["User"]):
    def update(self, **kwargs: Any) -> int:
        """Update the rows, announcing first which users change (``users_about_to_change``)."""
        if users_about_to_change.has_listeners(User):
            user_ids = list(self.values_list("pk", flat=True))
            users_about_to_change.send(sender=User, user_ids=user_ids, fields=list(kwargs))
        return super().update(**kwargs)


class UserManager(BaseUserManager["User"]):
    """Custom manager for the User model where email is the unique identifier.

    Provides methods to create regular users and superusers using email instead of a
    username.
    """

    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def get_by_natural_key(self, username: str | None) -> User:
        """Find a user by email, however it was capitalised or padded."""
        return self.get(email=normalize_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        """Create and return a regular user with an email and password.

        Args:
            email: The unique email address of the user.
            password: The raw password for the user; ``None`` makes it unusable.
            **extra_fields: Additional fields to be saved in the User model.

        Returns:
            The newly created user instance.

        Raises:
            ValueError: If the email field is not provided.
        """
        user = self.build_user(email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def build_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        """Return an unsaved user with its password hashed, as ``create_user`` would save it.

        Hashing takes tens of milliseconds; a caller that saves inside a transaction
        hashes first, so that no lock is held while it runs.

        Raises:
            ValueError: If the email field is not provided.
        """
        if not email:
            raise ValueError("The email must be set.")
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        """Create and return a superuser with elevated permissions.

        Args:
            email: The unique email address of the superuser.
            password: The raw password for the superuser.
            **extra_fields: Additional fields to be saved in the User model.

        Returns:
            The newly created superuser instance.

        Raises:
            ValueError: If is_staff or is_superuser is not set to True.
        """
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("status", User.Status.ACTIVE)
        if extra_fields["is_staff"] is not True:
            raise ValueError("A superuser must have is_staff=True.")
        if extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_superuser=True.")
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Custom User model that uses email as the unique identifier.

    Attributes:
        email: The unique email of the user (primary identifier), stored lower-case.
        first_name: The user's first name.
        last_name: The user's last name.
        currency: The preferred currency code (e.g. 'EGP', 'USD').
        status: Current user status ('Onboarding' or 'Active').
        language: Preferred interface language.
        email_verified: Whether the current email was confirmed through an emailed link.
        is_superuser: Designates that this user has all permissions.
        is_staff: Designates whether the user can log into the admin site.
        is_active: Designates whether this user should be treated as active.
    """

    class Status(models.TextChoices):
        ONBOARDING = "Onboarding", _("Onboarding")
        ACTIVE = "Active", _("Active")

    username = None  # type: ignore[assignment]  # removes the field; the stubs expect one
    # Wider than Django's 128: a wrapped legacy hash keeps the legacy parameters beside
    # its Argon2id layer (accounts.security.hashers).
    password = models.CharField(_("password"), max_length=256)
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_no_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_no_control_characters]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EGP", validators=[validate_currency]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ONBOARDING
    )
    language = models.CharField(
        _("language"), max_length=16, default="en", validators=[validate_language]
    )
    email_verified = models.BooleanField(_("email verified"), default=False)

    # Ours knows no usernames; the stubs want Django's UserManager here.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # The manager stores emails lower-case; this holds the rule for every
            # other writer too, so two spellings of one address can never coexist.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def set_unusable_password(self) -> None:
        """Disable password sign-in (staff can, in the admin's password form).

        Whoever held the old password may hold a session or a bearer token: like a new
        password, saving this ends them (``accounts.security.credentials``). Django marks
        a password as new by keeping it in ``_password`` until the save, only in
        ``set_password``; an unusable password is marked here, with no raw password.
        """
        super().set_unusable_password()
        self._password = ""

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)
        self.currency = self.currency.upper()


class UserSession(models.Model):
    """One signed-in browser: the server side of a session cookie.

    The cookie's key is never stored, only its SHA-256, so a copy of this table
    signs nobody in. ``expire_date`` is the earlier of the absolute limit (14 days
    after sign-in) and the idle limit (24 hours after ``last_seen``).
    """

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    session_data = models.TextField()
    created = models.DateTimeField()
    last_seen = models.DateTimeField()
    expire_date = models.DateTimeField(db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "expire_date"], name="session_user_expiry_idx")]

    def __str__(self) -> str:
        return f"session {self.pk} of user {self.user_id}"


class PendingEmailChange(models.Model):
    """An email change that waits for its confirmation link to be followed.

    The emailed key names this row; using the key deletes the row, so a key works once,
    and a newer request, a password change or a reset deletes it too (the key of an
    earlier request never works again, even if the address changes back).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="pending_email_change")
    new_email = models.EmailField(max_length=254)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending email change")
        verbose_name_plural = _("pending email changes")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.new_email}"


class AuthToken(models.Model):
    """A bearer token of a non-browser client.

    Only a SHA-256 digest of the secret is stored; ``prefix`` (the first characters of
    the secret) is indexed for lookup and shown in lists so users can tell tokens apart.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_tokens")
    name = models.CharField(max_length=100, validators=[validate_no_control_characters])
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)
    last_used = models.DateTimeField(null=True, blank=True)
    #: When its holder last proved who they are (issue, ``reauthenticate``): step-up.
    authenticated_at = models.DateTimeField(null=True, blank=True)
    #: When that proof last included a second factor.
    second_factor_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bearer token")
        verbose_name_plural = _("bearer tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PendingSignIn(models.Model):
    """A sign-in whose password was right and whose second step is still to come.

    The client holds an opaque ``mfa_token``; only its hash is stored. It lives five
    minutes, is used once, answers only the client that got it (``binding``), and is
    void after five wrong answers. The API and the account pages share it.
    """

    class Purpose(models.TextChoices):
        SESSION = "session", _("session")
        TOKEN = "token", _("bearer token")

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pending_sign_ins")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    #: For a bearer token: the name it will get.
    token_name = models.CharField(max_length=100, blank=True)
    #: A hash of what ties the sign-in to its client (``accounts.authentication.binding_of``).
    binding = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pending sign-in")
        verbose_name_plural = _("pending sign-ins")

    def __str__(self) -> str:
        return f"pending {self.purpose} sign-in of user {self.user_id}"


class SecurityEvent(models.Model):
    """An append-only record of something that happened to an account's security.

    ``user`` is empty for failed logins on unknown emails, which are recorded without
    the email so that nothing stored depends on whether an account exists.
    """

    class Type(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        TOKEN_CREATED = "token_created", _("Bearer token created")
        TOKEN_REVOKED = "token_revoked", _("Bearer token revoked")
        SESSION_REVOKED = "session_revoked", _("Session revoked")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_VERIFIED = "email_verified", _("Email verified")
        EMAIL_CHANGED = "email_changed", _("Email changed")
        REAUTHENTICATION_FAILED = "reauthentication_failed", _("Failed password confirmation")
        MFA_ENABLED = "mfa_enabled", _("Second factor added")
        MFA_DISABLED = "mfa_disabled", _("Second factor removed")
        MFA_FAILED = "mfa_failed", _("Failed second factor")
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("New recovery codes")
        PASSKEY_ADDED = "passkey_added", _("Passkey added")
        PASSKEY_REMOVED = "passkey_removed", _("Passkey removed")

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events"
    )
    type = models.CharField(max_length=32, choices=Type.choices)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["user", "-created"], name="event_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.type} at {self.created:%Y-%m-%d %H:%M}"
