"""Read serializers (explicit fields, no queries: everything comes from selector annotations) and
input serializers for the workflow actions (validated data goes straight to a service)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import ChoiceDisplayField, FastReadMixin
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


class TaskDepartmentRefSerializer(FastReadMixin, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(FastReadMixin, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class MeasureRefSerializer(FastReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "label", "path", "title"]


class DocumentRefSerializer(FastReadMixin, serializers.ModelSerializer):
    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "doc_number"]


# --- Tasks ---


class AssigneeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.display_name")
    kind = serializers.CharField(help_text="main 主办 / assist 协办")
    kind_display = ChoiceDisplayField("kind")


class LastReportSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="last_report_at")
    percent = serializers.IntegerField(source="last_report_percent")
    progress = serializers.CharField(source="last_report_text")


_DATETIME = serializers.DateTimeField()


class TaskSerializer(FastReadMixin, serializers.ModelSerializer):
    """A task with its derived state (light, overdue, roll-up, last report) and what the caller may do now."""

    measure = MeasureRefSerializer(read_only=True)
    document = DocumentRefSerializer(source="measure.document", read_only=True)
    department = TaskDepartmentRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    role_display = ChoiceDisplayField("role")
    status_display = ChoiceDisplayField("status")
    light = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    days_overdue = serializers.IntegerField(
        read_only=True, help_text="逾期工作日数（截止日之后至今天，不含周末和法定节假日，含调休上班日；未逾期为 0）。"
    )
    report_missing = serializers.BooleanField(read_only=True)
    rollup_percent = serializers.SerializerMethodField()
    last_report = serializers.SerializerMethodField()
    urge_count = serializers.IntegerField(read_only=True, default=0, help_text="催办次数（计入考核）。")
    allowed_actions = serializers.SerializerMethodField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # the metaclass pops declared fields
        source="parent_id", read_only=True, allow_null=True, help_text="分解下达：上级任务 ID（牵头/责任任务为 null）。"
    )
    children_count = serializers.IntegerField(read_only=True, default=0, help_text="直接分解出的子任务数。")
    assignees = serializers.SerializerMethodField(help_text="承办人（主办、协办）；仅任务详情和操作响应中返回。")

    class Meta:
        model = Task
        fields = [
            "id",
            "measure",
            "document",
            "department",
            "role",
            "role_display",
            "parent",
            "children_count",
            "printed_name",
            "owner",
            "assignees",
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
            "urge_count",
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
        at = getattr(obj, "last_report_at", None)
        if at is None:
            return None
        # The same shape as LastReportSerializer, built directly: one nested serializer per row cost ~0.5 ms.
        return {"at": _DATETIME.to_representation(at), "percent": getattr(obj, "last_report_percent", None),
                "progress": getattr(obj, "last_report_text", None)}

    @extend_schema_field(AssigneeSerializer(many=True, allow_null=True))
    def get_assignees(self, obj: Task) -> Any:
        # Only when the selector prefetched them (detail, action responses): lists stay two queries.
        if "assignees" not in getattr(obj, "_prefetched_objects_cache", {}):
            return None
        return AssigneeSerializer(obj.assignees.all(), many=True).data

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


class ApproveInputSerializer(NoteInputSerializer):
    override_reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="尚有分解任务未办结时仍要办结的理由（记入操作记录）；无未办结分解任务时不需要。",
    )


class AssignHandlersInputSerializer(VersionInputSerializer):
    main_user_id = serializers.IntegerField(help_text="主办人（本部门人员）的用户 ID。")
    assist_user_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=50,
        help_text="协办人的用户 ID（本部门人员，可为空）。整体替换原有承办人。",
    )


class DecomposePartSerializer(serializers.Serializer):
    department_id = serializers.IntegerField(help_text="承办单位：本部门的下级单位（督查室可选任意部门）。")
    deadline = serializers.DateField(help_text="完成时限，不得晚于上级任务的完成时限。")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DecomposeInputSerializer(VersionInputSerializer):
    parts = DecomposePartSerializer(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]


class SubtaskNodeSerializer(serializers.Serializer):
    """One node of GET /tasks/{id}/tree/ (schema only; the selector builds plain dicts)."""

    id = serializers.IntegerField()
    department = TaskDepartmentRefSerializer()
    role = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    percent = serializers.IntegerField()
    deadline = serializers.DateField(allow_null=True)
    light = serializers.CharField(allow_null=True)
    owner = serializers.DictField(allow_null=True)
    children = serializers.ListField(child=serializers.DictField(), help_text="同样结构的下级分解任务。")


class SubtaskRollupSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField(help_text="未办结（未取消）的分解任务数。")
    finished = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True, help_text="直接分解任务的平均进度（办结计 100，取消不计）。")
    worst_light = serializers.CharField(allow_null=True, help_text="未办结分解任务中最差的灯色。")
    light = serializers.CharField(allow_null=True, help_text="本任务与其分解任务综合后的灯色。")


class SubtaskTreeSerializer(SubtaskNodeSerializer):
    rollup = SubtaskRollupSerializer()


class ReassignInputSerializer(VersionInputSerializer):
    department_id = serializers.IntegerField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExtendInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=2000)
    requested_deadline = serializers.DateField()
    current_percent = serializers.IntegerField(min_value=0, max_value=100, required=False)


class SetDeadlineInputSerializer(VersionInputSerializer):
    deadline = serializers.DateField(help_text="新的完成时限（北京时间日期）。")
    reason = serializers.CharField(max_length=2000)


class UrgeInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500, help_text="催办内容，发送给承办人、联络员和部门负责人。")


class BulkUrgeInputSerializer(UrgeInputSerializer):
    task_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500,
        help_text="要催办的任务；不填则催办与任务列表相同查询参数（如 ?light=red&department=3）筛选出的任务。",
    )


class BulkUrgeResultSerializer(serializers.Serializer):
    batch = serializers.CharField()
    urged = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.DictField(child=serializers.CharField(), help_text="任务 ID → 跳过原因。")


class UrgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    actor = UserRefSerializer()
    message = serializers.CharField()
    batch = serializers.CharField()
    created_at = serializers.DateTimeField()


class HistoryLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = UserRefSerializer(allow_null=True)
    action = serializers.CharField(help_text="审计动作名，如 task.approve。")
    action_label = serializers.CharField(source="label", help_text="中文操作名。")
    change = serializers.CharField(help_text="状态/时限变化，如“申请办结 → 已办结”。")
    note = serializers.CharField()


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
    kind_display = ChoiceDisplayField("kind")

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
    status_display = ChoiceDisplayField("status")
    department = TaskDepartmentRefSerializer(source="task.department", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id", "task", "department", "requested_by", "reason", "current_deadline", "requested_deadline",
            "current_percent", "was_overdue", "status", "status_display", "decided_by", "decided_at", "decision_note",
            "created_at",
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
    comparator_display = ChoiceDisplayField("comparator")
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
    kind_display = ChoiceDisplayField("kind")

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
