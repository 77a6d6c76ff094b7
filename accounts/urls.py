"""The accounts API: one router, one viewset per resource (``accounts.views``)."""

from rest_framework.routers import SimpleRouter

from accounts.views import AuthViewSet, SecurityEventViewSet, SessionViewSet, TokenViewSet
from accounts.views.sign_in import routes as sign_in_routes

router = SimpleRouter()
router.register("auth/tokens", TokenViewSet, basename="token")
router.register("auth/sessions", SessionViewSet, basename="session")
router.register("auth/events", SecurityEventViewSet, basename="event")
router.register("auth", AuthViewSet, basename="auth")

urlpatterns = [*sign_in_routes(), *router.urls]
