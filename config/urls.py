"""Mounts the apps, the API schema and docs, the admin and the account pages."""

from django.contrib import admin
from django.urls import include, path, re_path

from core.errors import not_found
from core.lazy_views import lazy_view

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("mfa.urls")),
    path("", include("core.urls")),
    # Both load drf-spectacular's generator with their first request (core/lazy_views.py).
    path("api/schema/", lazy_view("drf_spectacular.views.SpectacularAPIView"), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL, not inline, so the
    # page works under a Content-Security-Policy without 'unsafe-inline' scripts.
    path("api/docs/", lazy_view("core.api_docs.ApiDocsView", url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    # The service's own account pages (HTML), over the same flows as the API.
    path("account/", include("pages.urls")),
    # Anything else is a JSON 404, in DEBUG too.
    re_path(r"^", not_found),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
