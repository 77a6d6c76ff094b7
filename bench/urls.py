"""The product's URLconf with the two ceiling views in front of its catch-all 404."""

from django.urls import path

from bench import views
from config.urls import handler400, handler403, handler404, handler500, urlpatterns

urlpatterns = [
    path("bench/bare/", views.bare),
    path("bench/session/", views.session_authenticated),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
