from django.apps import AppConfig

from core import drf_compat  # noqa: F401 - before any module imports DRF's


class CoreConfig(AppConfig):
    """HTTP plumbing shared by every app: errors, parsers, limits, health."""

    name = "core"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks
