"""The two ceilings the service's endpoints are measured against.

Both are plain Django views returning the same small JSON body, served by the same
gunicorn and middleware as the product. The second one first asks Django for
``request.user``, which loads the session and then the user: what any Django project
with session authentication pays per request.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

BODY = {"id": 1, "email": "ceiling@example.com"}


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse(BODY)


def session_authenticated(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    return JsonResponse(BODY)
