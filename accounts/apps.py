from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who the users are: identity, credentials, sessions and their lifecycle."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import checks, schema  # noqa: F401  (registers checks and schema parts)
