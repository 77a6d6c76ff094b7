from django.apps import AppConfig


class CoreConfig(AppConfig):
    """HTTP plumbing shared by every app: errors, parsers, limits, health."""

    name = "core"
