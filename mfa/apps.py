from django.apps import AppConfig


class MfaConfig(AppConfig):
    """Second factors: authenticator apps (TOTP), recovery codes and passkeys (WebAuthn)."""

    name = "mfa"
    verbose_name = "Second factors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the system checks of the relying-party settings.
        from mfa import checks  # noqa: F401
