from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The service's own account pages: a second interface over the accounts flows."""

    name = "pages"
