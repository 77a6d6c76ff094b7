"""Views loaded by their first request, for what most workers never serve.

drf-spectacular's views import its schema generator, which imports DRF's and Django's
test clients: several MiB that no other request needs. ``lazy_view`` names a class view
by its dotted path, so the URLconf loads it with the first request to it (the API's
documentation), not in every worker at start.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt


def lazy_view(dotted_path: str, **initkwargs: Any) -> Any:
    """A view function that imports the class view at ``dotted_path`` on its first call."""
    built: list[Any] = []

    # Like DRF's own views: the CSRF check, when one applies, is the view's to make.
    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not built:
            built.append(import_string(dotted_path).as_view(**initkwargs))
        response: HttpResponseBase = built[0](request, *args, **kwargs)
        return response

    return view
