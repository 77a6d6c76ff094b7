from django.urls import path

from core import health, views

urlpatterns = [
    path("health/live/", health.LiveView.as_view(), name="health-live"),
    path("health/ready/", health.ReadyView.as_view(), name="health-ready"),
    path("meta/currencies/", views.CurrencyListView.as_view(), name="meta-currencies"),
    path("meta/languages/", views.LanguageListView.as_view(), name="meta-languages"),
]
