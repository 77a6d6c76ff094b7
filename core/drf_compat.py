"""Load DRF's compatibility module without the optional packages the service never uses.

``rest_framework.compat`` imports, when they are installed, ``django.contrib.postgres``'s
model fields (and through them its forms, ranges and psycopg: about 9 MiB per worker on
SQLite), PyYAML and Pygments (about 1 MiB each), only to offer serializer fields for
PostgreSQL-only model fields, a YAML renderer and the browsable API's highlighting. No
model of the service has such a field, and it renders JSON only. They are hidden from
that one import, so DRF records them as absent, and then restored: anything else
(drf-spectacular's YAML schema, a migration) imports them as usual. A model given a
PostgreSQL-only field would be served by DRF's generic ``ModelField`` rather than a list
or dict field.

Imported by ``core.apps`` as its app is loaded, before any module imports DRF's.
"""

from __future__ import annotations

import sys

HIDDEN = ("django.contrib.postgres.fields", "yaml", "pygments")


def load() -> None:
    if "rest_framework.compat" in sys.modules:
        return
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        import rest_framework.compat  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


load()
