"""Read serializers (explicit fields, no queries: everything comes from selector annotations) and
input serializers for the workflow actions (validated data goes straight to a service)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tasks.models import (
    Attachment,
    ExtensionRequest,
    Measure,
    PolicyDocument,
    ProgressReport,
    Target,
    TargetReading,
    Task,
)
from tasks.progress import target_completion
from tasks.workflow import allowed_actions

# --- Small nested shapes ---


class TaskDepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class MeasureRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "label", "path", "title"]


class DocumentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "doc_number"]


# --- Tasks ---


class LastReportSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="last_report_at")
    percent = serializers.IntegerField(source="last_report_percent")
    progress = serializers.CharField(source="last_report_text")


class TaskSerializer(serializers.ModelSerializer):
    """A task with its derived state (light, overdue, roll-up, last report) and what the caller may do now."""

    measure = MeasureRefSerializer(read_only=True)
    document = DocumentRefSerializer(source="measure.document", read_only=True)
    department = TaskDepartmentRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    light = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)
    report_missing = serializers.BooleanField(read_only=True)
    rollup_percent = serializers.SerializerMethodField()
    last_report = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "measure",
            "document",
            "department",
            "role",
            "role_display",
            "printed_name",
            "owner",
            "status",
            "status_display",
            "deadline",
            "original_deadline",
            "deadline_is_default",
            "percent",
            "rollup_percent",
            "light",
            "overdue",
            "days_overdue",
            "report_missing",
            "last_report",
            "version",
            "assigned_at",
            "accepted_at",
            "submitted_at",
            "finished_at",
            "updated_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rollup_percent(self, obj: Task) -> int | None:
        value = getattr(obj, "rollup_percent", None)
        return None if value is None else round(value)

    @extend_schema_field(LastReportSerializer(allow_null=True))
    def get_last_report(self, obj: Task) -> dict[str, Any] | None:
        if getattr(obj, "last_report_at", None) is None:
            return None
        return LastReportSerializer(obj).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj: Task) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(obj, request.user) if request else []


class OverdueTaskSerializer(TaskSerializer):
    """An overdue task for 督查室, with its escalation state from the reminder log."""

    escalation_level = serializers.SerializerMethodField(
        help_text="none 未升级 / leader 已报部门负责人 / supervisor 已报督查室"
    )
    last_reminded_at = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "escalation_level", "last_reminded_at"]
        read_only_fields = fields

    def _state(self, obj: Task) -> dict:
        return self.context.get("escalation", {}).get(obj.pk) or {}

    @extend_schema_field(serializers.ChoiceField(choices=["none", "leader", "supervisor"]))
    def get_escalation_level(self, obj: Task) -> str:
        return self._state(obj).get("level", "none")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_last_reminded_at(self, obj: Task) -> str | None:
        value = self._state(obj).get("last_reminded_at")
        return serializers.DateTimeField().to_representation(value) if value else None


# --- Action inputs ---


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="乐观锁：提交时看到的任务版本；也可用 If-Match 请求头。"
    )


class ReasonInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=2000)


class NoteInputSerializer(VersionInputSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReportInputSerializer(VersionInputSerializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    progress = serializers.CharField(max_length=5000)
    problems = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SubmitInputSerializer(VersionInputSerializer):
    evidence = serializers.CharField(max_length=5000)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReassignInputSerializer(VersionInputSerializer):
    department_id = serializers.IntegerField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExtendInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=2000)
    requested_deadline = serializers.DateField()
    current_percent = serializers.IntegerField(min_value=0, max_value=100, required=False)


# --- Reports, extensions ---


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="需登录且有权查看该任务才能下载。")

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "download_url", "created_at"]

    def get_download_url(self, obj: Attachment) -> str:
        url = reverse("tasks-api:attachment-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ProgressReportSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id", "task", "author", "kind", "kind_display", "period", "percent",
            "progress", "problems", "next_steps", "attachments", "created_at",
        ]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer):
    requested_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    department = TaskDepartmentRefSerializer(source="task.department", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id", "task", "department", "requested_by", "reason", "current_deadline", "requested_deadline",
            "current_percent", "status", "status_display", "decided_by", "decided_at", "decision_note", "created_at",
        ]
        read_only_fields = fields


# --- Documents, measures, targets ---


class PolicyDocumentSerializer(serializers.ModelSerializer):
    measure_count = serializers.IntegerField(read_only=True)
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PolicyDocument
        fields = [
            "id", "title", "doc_number", "issuer", "issued_date", "horizon_start", "horizon_end", "status",
            "reporting_cycle", "reporting_day", "measure_count", "task_count", "created_at",
        ]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    comparator_display = serializers.CharField(source="get_comparator_display", read_only=True)
    latest_value = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, allow_null=True)
    latest_measured_on = serializers.DateField(read_only=True, allow_null=True)
    completion_percent = serializers.SerializerMethodField()
    met = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id", "measure", "text", "value", "unit", "comparator", "comparator_display", "year",
            "latest_value", "latest_measured_on", "completion_percent", "met",
        ]
        read_only_fields = fields

    def _completion(self, obj: Target):  # type: ignore[no-untyped-def]
        latest = getattr(obj, "latest_value", None)
        if latest is None:
            return None
        return target_completion(comparator=obj.comparator, target=obj.value, actual=latest)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_completion_percent(self, obj: Target) -> int | None:
        c = self._completion(obj)
        return None if c is None else c.percent

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_met(self, obj: Target) -> bool | None:
        c = self._completion(obj)
        return None if c is None else c.met


class MeasureSerializer(serializers.ModelSerializer):
    targets = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id", "document", "parent", "kind", "kind_display", "path", "label", "title", "text", "order",
            "deadline", "deadline_text", "deadline_is_default", "recurrence", "lead_printed",
            "responsible_printed", "targets",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_targets(self, obj: Measure) -> list[dict[str, Any]]:
        # Prefetched by the selector: no query per row.
        return [
            {"id": t.id, "text": t.text, "value": str(t.value), "unit": t.unit, "comparator": t.comparator}
            for t in obj.targets.all()
        ]


class TargetReadingSerializer(serializers.ModelSerializer):
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = TargetReading
        fields = ["id", "target", "department", "value", "measured_on", "evidence", "attachment", "created_by",
                  "created_at"]
        read_only_fields = fields


class TargetReadingInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=18, decimal_places=4)
    measured_on = serializers.DateField()
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


# --- Schema-only shapes ---


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="中文说明")
    code = serializers.CharField(help_text="机器可读的错误码，如 illegal_transition、stale")



class ProgressRowSerializer(serializers.Serializer):
    department = serializers.DictField()
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.IntegerField()
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    reports_missing = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
