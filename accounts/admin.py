from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "department", "dept_role", "is_supervisor", "is_active")
    list_filter = ("dept_role", "is_supervisor", "is_active", "department__kind")
    search_fields = ("username", "full_name", "department__name")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("督办", {"fields": ("full_name", "department", "dept_role", "is_supervisor", "phone", "wecom_userid",
                             "dingtalk_userid")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "read_only", "department", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("read_only",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user", "department")
    # The secret is shown once when created through the API; the admin never sees it.
    readonly_fields = ("prefix", "key_hash", "last_used_at", "created_at")
    fields = ("user", "name", "read_only", "department", "expires_at", "revoked_at", *readonly_fields)

    def has_add_permission(self, request):  # tokens are created through the API, which shows the secret once
        return False
