"""Admin for system administrators. Accounts are also created and disabled here; roles and tokens are
only shown (they are given, removed and revoked through the audited pages and services)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, RoleAssignment, User


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RoleAssignmentInline(ReadOnlyInline):
    model = RoleAssignment
    fields = ("role", "org", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("roles (give and remove them under “Users and roles”)")


class ApiTokenInline(ReadOnlyInline):
    model = ApiToken
    fields = ("name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Platform"), {"fields": ("display_name", "must_change_password")}),)
    list_display = ("username", "display_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name", "email")
    list_filter = ("is_active", "is_superuser")
    inlines = [RoleAssignmentInline, ApiTokenInline]
    show_full_result_count = False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name", "prefix")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
