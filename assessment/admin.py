"""Admin: rule versions with their items and document weights (editable); scores and bulletins read-only
once computed or issued."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Bulletin, DepartmentScore, DocumentWeight, ScorePeriod, ScoreRuleItem, ScoreRuleSet


class ScoreRuleItemInline(admin.TabularInline):
    model = ScoreRuleItem
    extra = 1


class DocumentWeightInline(admin.TabularInline):
    model = DocumentWeight
    extra = 0
    autocomplete_fields = ["document"]


@admin.register(ScoreRuleSet)
class ScoreRuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "preset", "active", "valid_from", "valid_to", "base_score", "multiply_by_completion"]
    list_filter = ["active", "preset"]
    inlines = [ScoreRuleItemInline, DocumentWeightInline]
    save_as = True  # "另存为新对象": the usual way to start a new version from the current one


@admin.register(ScorePeriod)
class ScorePeriodAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "as_of", "closed", "ruleset", "department_count", "item_count", "computed_at"]
    list_filter = ["kind", "closed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DepartmentScore)
class DepartmentScoreAdmin(admin.ModelAdmin):
    list_display = ["period", "department", "group", "rank", "total", "bonus", "deduction", "on_time_rate"]
    list_filter = ["period", "group"]
    search_fields = ["department__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "status", "created_at", "issued_at"]
    list_filter = ["status"]
    readonly_fields = ["period", "status", "data", "issued_by", "issued_at", "created_by"]
    exclude = ["docx"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are generated from computed scores (/assessment/)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Bulletin.Status.DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Bulletin.Status.DRAFT)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would skip the per-row issued check
        return actions
