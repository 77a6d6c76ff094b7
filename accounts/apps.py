from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who the users are: identity, credentials, sessions and their lifecycle."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the system checks, the schema extensions and the user-cache signals.
        from accounts import checks, schema  # noqa: F401
        from accounts.security import user_cache  # noqa: F401
