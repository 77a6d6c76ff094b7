"""Mounts the apps, the API schema and docs, the admin and the account pages."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from core.errors import not_found
from core.views import ApiDocsView

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("mfa.urls")),
    path("", include("core.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL, not inline, so the
    # page works under a Content-Security-Policy without 'unsafe-inline' scripts.
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="docs"),
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
