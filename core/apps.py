from django.apps import AppConfig


class CoreConfig(AppConfig):
    """HTTP plumbing shared by every app: errors, parsers, limits, health."""

    name = "core"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks
