"""The accounts API, one module per resource (``accounts/urls.py`` maps them)."""

from accounts.views.auth import AuthViewSet
from accounts.views.sessions import SecurityEventViewSet, SessionViewSet
from accounts.views.tokens import TokenViewSet

__all__ = ["AuthViewSet", "SecurityEventViewSet", "SessionViewSet", "TokenViewSet"]
