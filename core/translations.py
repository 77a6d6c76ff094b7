"""Messages of Django and DRF that the API returns but their Arabic catalogs lack or garble.

Listing a message here makes ``makemessages`` copy it into the service's catalog
(``locale/``), which Django consults before the catalogs of installed apps, so the
wording here wins. Nothing calls these names; they exist to be extracted.
``core/tests/test_translations.py`` finds any message the API can return that no
catalog translates.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Django 5.2 reworded MinimumLengthValidator's message; its Arabic catalog has only
# the previous wording.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

# DRF's Arabic for these reads awkwardly ("the request was formulated badly", "the
# medium ... is not adopted") or mixes in English; ours is plain Modern Standard Arabic.
DRF_REWORDED = (
    _("Malformed request."),
    _('Method "{method}" not allowed.'),
    _('Unsupported media type "{media_type}" in request.'),
    _("This field may not be null."),
    _("Ensure this field has no more than {max_length} characters."),
    _("Ensure this field has at least {min_length} characters."),
    _("Invalid data. Expected a dictionary, but got {datatype}."),
)
