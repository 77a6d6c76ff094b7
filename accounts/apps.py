from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    """Who the users are: identity, credentials, sessions and their lifecycle."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # System checks, and the receivers that make every path (flows, admin, commands,
        # cascades) forget cached copies, end what a new password ends and record
        # sign-ins. The OpenAPI extensions load with the schema class (accounts/schema.py).
        from accounts import checks  # noqa: F401
        from accounts.security import cache, credentials, events  # noqa: F401


class AccountsAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site signs staff in as the API does (second factors)."""

    default = False  # named in INSTALLED_APPS; ``accounts`` itself is AccountsConfig

    default_site = "accounts.admin_site.AccountsAdminSite"
