"""The API's documentation page: Swagger UI over the OpenAPI schema.

Loaded by its first request (``core.lazy_views``), with drf-spectacular's generator.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, titled in the request's language, its page marked ``lang`` and ``dir``."""

    template_name = "core/api_docs.html"
    # Lazy, so the page is titled in each request's language; drf-spectacular's
    # annotation says ``str``, but it only renders the value into the template.
    title = _("Accounts API")  # type: ignore[assignment]
