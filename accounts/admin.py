"""The Django admin for users, their sessions, bearer tokens and security events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthToken, SecurityEvent, User, UserSession
from accounts.security.events import record_security_event
from core.client import Client
from core.exceptions import ServiceError

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


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, through the same gate as every other sign-in.

    Django's form calls ``authenticate()``, which is ``accounts.backends.AccountBackend``:
    the per-email lockout, the per-address limits and the events of the API login. A
    refusal of the gate (too many failures) is shown on the form.
    """

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ServiceError as error:
            raise ValidationError(str(error.message), code=error.code) from error


admin.site.login_form = AdminLoginForm


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
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
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
class SecurityEventAdmin(_SecurityEventAdminBase):
    """The append-only event record: staff read it, nobody edits or deletes it here."""

    list_display = ("created", "type", "user", "ip", "user_agent")
    list_select_related = ("user",)
    list_filter = ("type",)
    search_fields = ("user__email",)
    ordering = ("-created",)
    date_hierarchy = "created"
    fields = ("created", "type", "user", "ip", "user_agent")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
