"""The lean ceiling's view: the signed-in user's id and email, as JSON."""

from django.http import HttpRequest, JsonResponse


def me(request: HttpRequest) -> JsonResponse:
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    return JsonResponse({"id": user.pk, "email": user.email})


def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
