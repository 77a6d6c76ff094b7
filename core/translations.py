"""Messages of Django and DRF that the API returns but their Arabic catalogs lack.

Listing a message here makes ``makemessages`` copy it into the service's catalog
(``locale/``), which Django consults before the catalogs of installed apps. Nothing
calls these names; they exist to be extracted. ``core/tests/test_translations.py``
finds any message the API can return that no catalog translates.
"""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

# Django 5.2 reworded MinimumLengthValidator's message; its Arabic catalog has only
# the previous wording.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
