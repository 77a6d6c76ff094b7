"""The API's schema class: drf-spectacular's, loaded only when a schema is generated.

``@extend_schema`` subclasses DRF's ``DEFAULT_SCHEMA_CLASS`` where it decorates a view,
so naming drf-spectacular's ``AutoSchema`` there would load its generator, and through
it DRF's and Django's test clients (about 4 MiB), in every worker, as the views are
imported. ``AutoSchema`` below stands in for it: a plain DRF inspector with the one
class attribute the decorator reads. Generating a schema (the schema view, ``manage.py
spectacular``, the deploy check, a test) runs ``load_generator`` first, a
drf-spectacular pre-processing hook (``SPECTACULAR_SETTINGS``), which makes
drf-spectacular's class the base of this one, so every schema made at import
inherits its behaviour, and registers the service's extensions. The schema generated
is unchanged (``manage.py spectacular`` gave the same file, byte for byte, before and
after this class); config/tests/test_worker_imports.py checks that workers start
without the generator and that the schema then names the service's extensions.
"""

from __future__ import annotations

from typing import Any

from rest_framework.schemas.inspectors import ViewInspector


class AutoSchema(ViewInspector):
    """drf-spectacular's ``AutoSchema``, once ``load_generator`` has run."""

    # Read by ``@extend_schema`` on a view class; drf-spectacular's own value.
    method_mapping = {
        "get": "retrieve",
        "post": "create",
        "put": "update",
        "patch": "partial_update",
        "delete": "destroy",
    }


def load_generator(endpoints: Any) -> Any:
    """Put drf-spectacular's ``AutoSchema`` under ours; the endpoints pass through."""
    from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

    from accounts import schema_extensions  # noqa: F401 - registers them

    if AutoSchema.__bases__ != (SpectacularAutoSchema,):
        AutoSchema.__bases__ = (SpectacularAutoSchema,)
    return endpoints
