"""The Django admin for users, their sessions, bearer tokens and security events.

The site itself, with its sign-in, is ``accounts.admin_site``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import AuthToken, SecurityEvent, User, UserSession
from accounts.security import second_factors
from accounts.security.events import record_security_event
from core.client import Client

# Django's admin and form classes are generic only in the stubs; subscripting them at
# runtime would fail, so the typed bases exist for the type checker alone.
if TYPE_CHECKING:
    _CreationFormBase = AdminUserCreationForm[User]
    _ChangeFormBase = UserChangeForm[User]
    _UserAdminBase = DjangoUserAdmin[User]
    _UserSessionAdminBase = admin.ModelAdmin[UserSession]
    _AuthTokenAdminBase = admin.ModelAdmin[AuthToken]
    _SecurityEventAdminBase = admin.ModelAdmin[SecurityEvent]
else:
    _CreationFormBase = AdminUserCreationForm
    _ChangeFormBase = UserChangeForm
    _UserAdminBase = DjangoUserAdmin
    _UserSessionAdminBase = _AuthTokenAdminBase = _SecurityEventAdminBase = admin.ModelAdmin


class UserCreationForm(_CreationFormBase):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(_ChangeFormBase):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(_UserAdminBase):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "status",
        "currency",
        "language",
        "email_verified",
        "is_staff",
        "date_joined",
    )
    list_filter = ("status", "currency", "language", "email_verified", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("date_joined", "last_login", "second_factors")
    actions = ("remove_second_factors",)
    fieldsets = (
        (None, {"fields": ("email", "password", "second_factors")}),
        (_("Profile"), {"fields": ("first_name", "last_name", "currency", "language")}),
        (_("Status"), {"fields": ("status", "email_verified")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("Second factors"))
    def second_factors(self, user: User) -> str:
        names = {
            "totp": _("authenticator app"),
            "passkey": _("passkey"),
            "recovery_code": _("recovery codes"),
        }
        methods = second_factors.methods(user) if user.pk else []
        return ", ".join(str(names.get(method, method)) for method in methods) or "-"

    @admin.action(
        description=_("Remove all second factors (the users are emailed)"),
        permissions=["change"],
    )
    def remove_second_factors(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For people who lost every factor: the same flow as the API, with event and email."""
        client = Client.of(request)
        changed = sum(1 for user in queryset if second_factors.remove_all(user=user, client=client))
        self.message_user(
            request,
            ngettext(
                "Removed the second factors of %(count)d user.",
                "Removed the second factors of %(count)d users.",
                changed,
            )
            % {"count": changed},
        )


class ReadOnly:
    """Staff look; changes go through the flows (events, emails), never through a form."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(UserSession)
class UserSessionAdmin(_UserSessionAdminBase):
    list_display = ("id", "user", "ip", "created", "last_seen", "expire_date")
    list_select_related = ("user",)
    search_fields = ("user__email", "ip")
    readonly_fields = ("user", "ip", "user_agent", "created", "last_seen", "expire_date")
    exclude = ("key_hash", "session_data")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(AuthToken)
class AuthTokenAdmin(_AuthTokenAdminBase):
    """Read-only list of bearer tokens; staff revoke one by deleting it."""

    list_display = ("name", "user", "prefix", "created", "expires", "last_used")
    list_select_related = ("user",)
    search_fields = ("user__email", "name", "prefix")
    ordering = ("-created",)
    fields = ("user", "name", "prefix", "created", "expires", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: AuthToken) -> None:
        self.delete_queryset(request, AuthToken.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AuthToken]) -> None:
        # The owner sees in their events that a token was revoked, whoever did it.
        client = Client.of(request)
        for token in queryset.select_related("user"):
            record_security_event(
                type=SecurityEvent.Type.TOKEN_REVOKED, user=token.user, client=client
            )
        queryset.delete()


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnly, _SecurityEventAdminBase):
    """The append-only event record: staff read it, nobody edits or deletes it here."""

    list_display = ("created", "type", "user", "ip", "user_agent")
    list_select_related = ("user",)
    list_filter = ("type",)
    search_fields = ("user__email",)
    ordering = ("-created",)
    date_hierarchy = "created"
    fields = ("created", "type", "user", "ip", "user_agent")
    readonly_fields = fields
