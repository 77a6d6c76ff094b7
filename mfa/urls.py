"""The second-factor API (``mfa.views``), mounted after ``accounts.urls``.

``accounts`` routes the sign-in steps under the same prefixes first
(``/auth/mfa/authenticate/``, ``/auth/passkeys/login/``); nothing here overlaps them.
"""

from rest_framework.routers import SimpleRouter

from mfa.views import MfaViewSet, PasskeyViewSet

router = SimpleRouter()
router.register("auth/passkeys", PasskeyViewSet, basename="passkey")
router.register("auth/mfa", MfaViewSet, basename="mfa")

urlpatterns = router.urls
