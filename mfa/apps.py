from django.apps import AppConfig


class MfaConfig(AppConfig):
    """Second factors: authenticator apps (TOTP), recovery codes and passkeys (WebAuthn)."""

    name = "mfa"
    verbose_name = "Second factors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The system checks of the relying-party settings, and this app's answers to
        # sign-in and step-up (``accounts`` never imports this app).
        from accounts.security import second_factors
        from mfa import checks  # noqa: F401
        from mfa.provider import MfaSecondFactors

        second_factors.register(MfaSecondFactors())
