from django.contrib import admin

from .models import Department, DepartmentAlias, DepartmentGroup, DepartmentGroupAlias, RenameRule, UnresolvedName


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1
    fields = ("name",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "active", "order")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "aliases__name")
    list_select_related = ("parent",)
    inlines = [DepartmentAliasInline]
    autocomplete_fields = ("parent",)


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "key")
    search_fields = ("name", "department__name")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)


class DepartmentGroupAliasInline(admin.TabularInline):
    model = DepartmentGroupAlias
    extra = 1
    fields = ("name",)


@admin.register(DepartmentGroup)
class DepartmentGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    inlines = [DepartmentGroupAliasInline]


@admin.register(UnresolvedName)
class UnresolvedNameAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "occurrences", "department", "group", "created_at")
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("department", "group")
    readonly_fields = ("occurrences", "created_at", "resolved_at")


@admin.register(RenameRule)
class RenameRuleAdmin(admin.ModelAdmin):
    """机构改革更名表: the 待识别名称 queue suggests the successor of a printed old name."""

    list_display = ("name", "successor_name", "department", "kind", "year", "note")
    list_filter = ("kind", "year")
    search_fields = ("name", "successor_name", "department__name", "note")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)
    readonly_fields = ("key",)
    fields = ("name", "key", "successor_name", "department", "kind", "year", "note")
