"""Template tags of the account pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from core import reference

register = template.Library()


@register.inclusion_tag("pages/includes/language_switch.html", takes_context=True)
def language_switch(context: template.Context) -> dict[str, Any]:
    """One button per other language, named in that language (the profile's list too)."""
    current = translation.get_language()
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "here": context.get("here"),
        "languages": [
            language
            for language in reference.languages(reference.reference_language())
            if language["code"] != current
        ],
    }
