"""Serializers of the assessment API (read shapes; writes go through assessment services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from common.serializers import ChoiceDisplayField

from ..models import Bulletin, DepartmentScore, ScoreItem, ScorePeriod, ScoreRuleItem, ScoreRuleSet
from ..periods import parse_period


class RuleItemSerializer(serializers.ModelSerializer):
    event_display = ChoiceDisplayField("event")
    role = serializers.CharField(read_only=True, help_text="any（牵头和配合）、lead（牵头）或 co（配合）")
    role_display = ChoiceDisplayField("role")

    class Meta:
        model = ScoreRuleItem
        fields = ["id", "event", "event_display", "role", "role_display", "points", "cap", "label"]


class RuleSetSerializer(serializers.ModelSerializer):
    items = RuleItemSerializer(many=True, read_only=True)
    document_weights = serializers.SerializerMethodField()

    class Meta:
        model = ScoreRuleSet
        fields = [
            "id",
            "name",
            "preset",
            "active",
            "valid_from",
            "valid_to",
            "base_score",
            "multiply_by_completion",
            "max_total",
            "min_total",
            "note",
            "items",
            "document_weights",
        ]

    def get_document_weights(self, obj: ScoreRuleSet) -> list[dict[str, Any]]:
        return [{"document": w.document_id, "weight": str(w.weight)} for w in obj.document_weights.all()]


class PeriodSerializer(serializers.ModelSerializer):
    ruleset_name = serializers.CharField(source="ruleset.name", read_only=True)

    class Meta:
        model = ScorePeriod
        fields = [
            "id",
            "key",
            "kind",
            "start",
            "end",
            "as_of",
            "closed",
            "ruleset",
            "ruleset_name",
            "computed_at",
            "department_count",
            "item_count",
        ]


class ComputeInputSerializer(serializers.Serializer):
    period = serializers.CharField()

    def validate_period(self, value: str) -> str:
        return parse_period(value).key


class _DepartmentRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class ScoreSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.key")
    department = _DepartmentRef()
    group_display = ChoiceDisplayField("group")

    class Meta:
        model = DepartmentScore
        fields = [
            "id",
            "period",
            "department",
            "group",
            "group_display",
            "rank",
            "total",
            "bonus",
            "deduction",
            "task_count",
            "finished_on_time",
            "finished_late",
            "overdue_open",
            "due_count",
            "due_finished",
            "on_time_rate",
            "completion_rate",
            "red",
            "yellow",
            "green",
            "lights_source",
        ]


class ScoreItemSerializer(serializers.ModelSerializer):
    event_display = ChoiceDisplayField("event")
    task = serializers.SerializerMethodField()

    class Meta:
        model = ScoreItem
        fields = [
            "id",
            "order",
            "event",
            "event_display",
            "event_ref",
            "event_at",
            "points",
            "explanation",
            "rule_item",
            "task",
        ]

    def get_task(self, obj: ScoreItem) -> dict[str, Any] | None:
        if obj.task_id is None or obj.task is None:
            return None
        m = obj.task.measure
        return {"id": obj.task_id, "role": obj.task.role, "measure": m.title, "document": m.document.title}


class ScoreDetailSerializer(ScoreSerializer):
    ruleset = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "ruleset", "items"]

    def get_ruleset(self, obj: DepartmentScore) -> dict[str, Any]:
        return obj.period.rules

    def get_items(self, obj: DepartmentScore) -> list[dict[str, Any]]:
        return ScoreItemSerializer(getattr(obj, "item_rows", []), many=True).data  # type: ignore[return-value]


class RankingSerializer(serializers.Serializer):
    period = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()

    def get_period(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        p = obj["period"]
        return None if p is None else PeriodSerializer(p).data  # type: ignore[return-value]

    def get_groups(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"group": g["group"], "label": g["label"], "rows": ScoreSerializer(g["rows"], many=True).data}
            for g in obj["groups"]
        ]


class BulletinSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.key")
    status_display = ChoiceDisplayField("status")

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "period",
            "title",
            "doc_number",
            "status",
            "status_display",
            "overdue_threshold",
            "overview",
            "praise",
            "criticism",
            "data",
            "created_at",
            "updated_at",
            "issued_at",
        ]


class BulletinCreateSerializer(serializers.Serializer):
    period = serializers.CharField()
    overdue_threshold = serializers.IntegerField(required=False, min_value=0, max_value=365)


class BulletinUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    doc_number = serializers.CharField(required=False, max_length=100)
    overview = serializers.CharField(required=False, allow_blank=True)
    praise = serializers.CharField(required=False, allow_blank=True)
    criticism = serializers.CharField(required=False, allow_blank=True)
