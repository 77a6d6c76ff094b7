"""The lean ceiling's URLs: startproject's admin, the measured view, a liveness check."""

from django.contrib import admin
from django.urls import path

from bench.lean import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("bench/me/", views.me),
    path("health/live/", views.live),
]
