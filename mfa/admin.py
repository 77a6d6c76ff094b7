"""Second factors in the admin: read-only lists, never a secret.

Staff remove a user's factors with the "Remove all second factors" action on the users'
list (``accounts/admin.py``), which records the event and emails the owner; these lists
offer no deletion of their own, which would do neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from accounts.admin import ReadOnly
from mfa.models import Passkey, TOTPDevice

if TYPE_CHECKING:
    _TOTPDeviceAdminBase = admin.ModelAdmin[TOTPDevice]
    _PasskeyAdminBase = admin.ModelAdmin[Passkey]
else:
    _TOTPDeviceAdminBase = _PasskeyAdminBase = admin.ModelAdmin


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnly, _TOTPDeviceAdminBase):
    list_display = ("user", "confirmed", "created")
    list_select_related = ("user",)
    list_filter = ("confirmed",)
    search_fields = ("user__email",)
    fields = ("user", "confirmed", "created")  # never the encrypted seed
    readonly_fields = fields


@admin.register(Passkey)
class PasskeyAdmin(ReadOnly, _PasskeyAdminBase):
    list_display = ("name", "user", "created", "last_used", "backed_up")
    list_select_related = ("user",)
    list_filter = ("backup_eligible", "backed_up")
    search_fields = ("user__email", "name")
    ordering = ("-created",)
    fields = (
        "user", "name", "created", "last_used", "aaguid", "transports",
        "backup_eligible", "backed_up", "sign_count",
    )  # fmt: skip
    readonly_fields = fields
