"""The pages' own error pages: people who mistype an address or return to a stale form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import csrf_failure as api_csrf_failure
from pages.views.base import page


@page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """An address under ``/account/`` that is no page: an HTML 404 with a way back."""
    return render(request, "pages/not_found.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal: a page for the account pages, the API's JSON for the rest.

    A page refused this way was usually open too long or its cookie was cleared; the
    person needs to know to load it again, not a JSON body.
    """
    if not request.path.startswith("/account/"):
        return api_csrf_failure(request, reason)
    return _csrf_page(request)


@page
def _csrf_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/csrf_failure.html", status=403)
