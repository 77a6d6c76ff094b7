"""Pages of the service itself: reference data for clients."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import reference
from core.serializers import CurrencySerializer, LanguageSerializer

# The lists change only when the data packages are upgraded (a deploy).
REFERENCE_MAX_AGE = 24 * 3600


class ReferenceView(APIView):
    """A static list, in the language of the user or of ``Accept-Language``.

    Anyone may read it; a signed-in user's stored language is honoured, so the answer
    is ``private`` for them and ``public`` otherwise, and it varies with the language
    and the credentials. The ETag lets a client revalidate for a 304.
    """

    permission_classes = [AllowAny]
    kind: ClassVar[str]

    def get(self, request: Request) -> Any:
        language = reference.reference_language()
        tag = reference.etag(self.kind, language)
        response = get_conditional_response(request._request, etag=tag) or Response(
            getattr(reference, self.kind)(language)
        )
        response["ETag"] = tag
        visibility = "private" if request.user.is_authenticated else "public"
        patch_cache_control(response, **{visibility: True, "max_age": REFERENCE_MAX_AGE})
        patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
        return response


_not_modified = OpenApiResponse(description="Not modified since the ETag of `If-None-Match`.")


class CurrencyListView(ReferenceView):
    kind = "currencies"

    @extend_schema(
        summary="Currencies",
        description="Every active ISO 4217 currency that a profile's `currency` accepts, "
        "sorted by code.",
        responses={200: CurrencySerializer(many=True), 304: _not_modified},
        tags=["meta"],
    )
    def get(self, request: Request) -> Any:
        return super().get(request)


class LanguageListView(ReferenceView):
    kind = "languages"

    @extend_schema(
        summary="Languages",
        description="The interface languages a profile's `language` accepts.",
        responses={200: LanguageSerializer(many=True), 304: _not_modified},
        tags=["meta"],
    )
    def get(self, request: Request) -> Any:
        return super().get(request)
