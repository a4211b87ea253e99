"""Department serializers: explicit fields; aliases, groups and counts come prefetched/annotated."""

from __future__ import annotations

from rest_framework import serializers

from common.serializers import ChoiceDisplayField
from departments.models import Department, DepartmentGroup, DepartmentKind


class DepartmentSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")  # type: ignore[var-annotated]
    groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]
    kind_display = ChoiceDisplayField("kind")
    open_task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "parent",
            "active",
            "order",
            "aliases",
            "groups",
            "open_task_count",
        ]
        read_only_fields = fields


class DepartmentCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=DepartmentKind.choices, default=DepartmentKind.CITY)
    order = serializers.IntegerField(min_value=0, required=False, default=0)
    aliases = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)


class DepartmentUpdateSerializer(serializers.Serializer):
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=DepartmentKind.choices, required=False)
    order = serializers.IntegerField(min_value=0, required=False)
    active = serializers.BooleanField(required=False)


class AliasInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class DepartmentGroupSerializer(serializers.ModelSerializer):
    members = DepartmentRefSerializer(many=True, read_only=True)
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")  # type: ignore[var-annotated]

    class Meta:
        model = DepartmentGroup
        fields = ["id", "name", "description", "members", "aliases"]
        read_only_fields = fields


class DepartmentGroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    members = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.all(), required=False, default=list
    )
    aliases = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)


class GroupMembersInputSerializer(serializers.Serializer):
    members = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(active=True), many=True, help_text="成员部门 ID 列表（整体替换）。"
    )


class SuggestionQuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="原文单位名称，如“市经信委”。")
    limit = serializers.IntegerField(min_value=1, max_value=10, required=False, default=3)


class SuggestionSerializer(serializers.Serializer):
    department_id = serializers.IntegerField()
    name = serializers.CharField()
    reason = serializers.CharField(help_text="“机构改革：… 已更名为 …（2019年）”或“名称相近”。")
    kind = serializers.ChoiceField(choices=[("rename", "机构改革更名表"), ("similar", "名称相近")])


class SuggestionResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    suggestions = SuggestionSerializer(many=True)
