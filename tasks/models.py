"""Policy documents, their measures and targets, the tasks they assign, and the work on those tasks.

Models hold data and invariants only. Every write goes through a service (tasks/services/);
every rule about status lives in tasks/workflow.py; overdue and the traffic light are derived
(tasks/lights.py), never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# --- Choices ---


class TaskStatus(models.TextChoices):
    """The task lifecycle. Allowed transitions are in tasks/workflow.py, nowhere else."""

    ASSIGNED = "assigned", "已交办"
    DECLINED = "declined", "已退回待改派"
    ACCEPTED = "accepted", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    SUBMITTED = "submitted", "申请办结"
    RETURNED = "returned", "退回重办"
    FINISHED = "finished", "已办结"
    CANCELLED = "cancelled", "已取消"


# Statuses in which a task no longer counts as open work (never overdue, no reminders).
CLOSED_STATUSES = (TaskStatus.FINISHED, TaskStatus.CANCELLED)


class TaskRole(models.TextChoices):
    LEAD = "lead", "牵头"
    RESPONSIBLE = "responsible", "责任"
    SUB = "sub", "分解承办"


class Recurrence(models.TextChoices):
    NONE = "", "无"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    SEMIANNUAL = "semiannual", "每半年"
    ANNUAL = "annual", "每年"
    ONGOING = "ongoing", "长期坚持"


class ReportingCycle(models.TextChoices):
    NONE = "", "不定期"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    SEMIANNUAL = "semiannual", "每半年"
    ANNUAL = "annual", "每年"


class Comparator(models.TextChoices):
    AT_LEAST = ">=", "以上/不低于"
    ABOUT = "~", "左右"
    AT_MOST = "<=", "以内/不超过"
    MORE_THAN = ">", "超过"
    EQUAL = "=", "达到"


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
    FINISHED = "finished", "已办结"
    CANCELLED = "cancelled", "已取消"
    NONE = "none", "未亮灯"  # no deadline and not yet signed (待签收): nothing to measure yet


# --- Documents and their outline ---


class PolicyDocument(models.Model):
    """An imported policy document. The same file (by SHA-256) is never imported twice."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文单位", max_length=200, blank=True)
    issued_date = models.DateField("成文日期", null=True, blank=True)
    horizon_start = models.DateField("规划期起", null=True, blank=True)
    horizon_end = models.DateField("规划期止", null=True, blank=True)
    source_filename = models.CharField("源文件名", max_length=255, blank=True)
    source_sha256 = models.CharField("源文件 SHA-256", max_length=64, unique=True)
    source_file = models.FileField("源文件", upload_to="policy/%Y/%m/", blank=True)
    source_encoding = models.CharField("源文件编码", max_length=32, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    reporting_cycle = models.CharField(
        "报送周期", max_length=16, choices=ReportingCycle.choices, default=ReportingCycle.MONTHLY, blank=True
    )
    reporting_day = models.PositiveSmallIntegerField(
        "报送截止日",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="周期内第几日前报送（月报为每月该日，季报为季末月该日）。",
    )
    notes = models.JSONField("全文性责任条款", default=list, blank=True)
    default_leads = models.JSONField("全文默认牵头单位", default=list, blank=True)
    warnings = models.JSONField("导入提示", default=list, blank=True)
    previous_version = models.ForeignKey(
        "self", verbose_name="上一版本", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """A node of a document's outline: a section (heading with children) or a measure (work item).

    Tasks attach to measures only. `path` holds the printed outline labels from the top down.
    """

    class Kind(models.TextChoices):
        SECTION = "section", "章节"
        MEASURE = "measure", "措施"

    class AssignmentSource(models.TextChoices):
        NONE = "", "未分配"
        OWN = "own", "本条明确"
        INHERITED = "inherited", "上级/汇总条款"
        DEFAULT = "default", "全文默认（待确认）"
        MANUAL = "manual", "督查室分配"

    document = models.ForeignKey(
        "tasks.PolicyDocument", verbose_name="文件", on_delete=models.CASCADE, related_name="measures"
    )
    parent = models.ForeignKey(
        "self", verbose_name="所属章节", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.MEASURE)
    path = models.JSONField("编号路径", default=list)
    path_key = models.CharField("编号路径键", max_length=200)
    label = models.CharField("编号", max_length=100, blank=True)
    title = models.CharField("标题", max_length=500)
    text = models.TextField("全文", blank=True)
    order = models.PositiveIntegerField("顺序", default=0)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时限原文", max_length=200, blank=True)
    deadline_is_default = models.BooleanField("时限为默认值", default=False, help_text="原文无时限，取文件规划期末。")
    recurrence = models.CharField("周期", max_length=16, choices=Recurrence.choices, default="", blank=True)
    assignment_source = models.CharField(
        "分工来源", max_length=16, choices=AssignmentSource.choices, default="", blank=True
    )
    lead_printed = models.JSONField("牵头单位（原文）", default=list, blank=True)
    responsible_printed = models.JSONField("责任单位（原文）", default=list, blank=True)

    class Meta:
        verbose_name = "措施"
        verbose_name_plural = "措施"
        ordering = ["document_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "path_key"],
                name="%(app_label)s_%(class)s_unique_path",
                violation_error_message="同一文件中编号路径不能重复。",
            ),
        ]
        indexes = [models.Index(fields=["document", "kind", "order"], name="tasks_measure_doc_kind")]

    def __str__(self) -> str:
        return f"{'/'.join(self.path)} {self.title}"


class Target(models.Model):
    """A quantitative commitment of a measure (力争…300家以上 → 300 家 ≥ 2025)."""

    measure = models.ForeignKey("tasks.Measure", verbose_name="措施", on_delete=models.CASCADE, related_name="targets")
    text = models.CharField("原文", max_length=500)
    value = models.DecimalField("目标值", max_digits=18, decimal_places=4)
    unit = models.CharField("单位", max_length=30, blank=True)
    comparator = models.CharField("比较方式", max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST)
    year = models.PositiveSmallIntegerField("目标年份", null=True, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "量化目标"
        verbose_name_plural = "量化目标"
        ordering = ["measure_id", "order", "id"]

    def __str__(self) -> str:
        return self.text


class TargetReading(models.Model):
    """A dated actual value reported for a target, with its evidence. Append-only."""

    target = models.ForeignKey("tasks.Target", verbose_name="目标", on_delete=models.CASCADE, related_name="readings")
    department = models.ForeignKey(
        "departments.Department", verbose_name="报送部门", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    value = models.DecimalField("完成值", max_digits=18, decimal_places=4)
    measured_on = models.DateField("统计日期")
    evidence = models.TextField("佐证说明", blank=True)
    attachment = models.FileField("佐证材料", upload_to="readings/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "目标完成值"
        verbose_name_plural = "目标完成值"
        ordering = ["target_id", "-measured_on", "-id"]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.value} @ {self.measured_on}"


# --- Tasks and the work on them ---


class Task(models.Model):
    """One department's part of one measure: lead or responsible, with owner, deadline and status.

    Unique per (measure, department). `version` increases on every change (optimistic locking).
    """

    measure = models.ForeignKey("tasks.Measure", verbose_name="措施", on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey(
        "departments.Department", verbose_name="责任部门", on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField("角色", max_length=16, choices=TaskRole.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级任务", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
        help_text="分解下达：子任务的上级任务（牵头/责任任务或另一子任务）。",
    )
    printed_name = models.CharField("原文单位名称", max_length=200, blank=True)
    via_group = models.ForeignKey(
        "departments.DepartmentGroup", verbose_name="来自部门组", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="owned_tasks",
    )
    deadline = models.DateField("完成时限", null=True, blank=True, db_index=True)
    original_deadline = models.DateField("原定时限", null=True, blank=True, help_text="延期后仍按原时限考核。")
    deadline_is_default = models.BooleanField("时限为默认值", default=False)
    status = models.CharField(
        "状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED, db_index=True
    )
    percent = models.PositiveSmallIntegerField(
        "完成进度(%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    version = models.PositiveIntegerField("版本", default=1)
    assigned_at = models.DateTimeField("交办时间", auto_now_add=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    submitted_at = models.DateTimeField("申请办结时间", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["measure_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"],
                name="%(app_label)s_%(class)s_unique_measure_department",
                violation_error_message="同一措施对同一部门只能有一条任务。",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_percent_range",
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                violation_error_message="完成进度必须在 0 到 100 之间。",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="tasks_task_dept_status"),
            models.Index(fields=["status", "deadline"], name="tasks_task_status_deadline"),
            models.Index(fields=["owner", "status"], name="tasks_task_owner_status"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.title} — {self.department.name}（{self.get_role_display()}）"


class TaskAssignee(models.Model):
    """A 承办人 of a task inside its department: one 主办 (mirrored in Task.owner) and any number of 协办."""

    class Kind(models.TextChoices):
        MAIN = "main", "主办"
        ASSIST = "assist", "协办"

    task = models.ForeignKey("tasks.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="assignees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.CASCADE, related_name="task_assignments"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.MAIN)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="指派人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)

    class Meta:
        verbose_name = "承办人指派"
        verbose_name_plural = "承办人指派"
        ordering = ["task_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "user"],
                name="%(app_label)s_%(class)s_unique_task_user",
                violation_error_message="该人员已是此任务的承办人。",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(kind="main"),
                name="%(app_label)s_%(class)s_one_main",
                violation_error_message="每个任务只能有一名主办人。",
            ),
        ]
        indexes = [models.Index(fields=["user", "task"], name="tasks_assignee_user_task")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_kind_display()} {self.user_id}"


class Urge(models.Model):
    """催办: a supervisor or the lead unit's leader presses a department on one task. Append-only.

    `batch` groups the rows of one bulk 催办 (all red tasks of a department …); counts per task feed 考核.
    """

    task = models.ForeignKey("tasks.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="urges")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="催办人", on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField("催办内容")
    batch = models.CharField("批次", max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField("催办时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["task", "created_at"], name="tasks_urge_task_at")]

    def __str__(self) -> str:
        return f"催办 {self.task_id} @ {self.created_at:%Y-%m-%d}"


class PendingAssignment(models.Model):
    """An assignment the importer could not turn into a task by itself.

    `unresolved`: the printed name matched no department (waits for the name to be mapped);
    `suggested`: a document-wide default (市科技局负责统筹推进…) a supervisor must confirm.
    """

    class Reason(models.TextChoices):
        UNRESOLVED = "unresolved", "单位名称待识别"
        SUGGESTED = "suggested", "全文默认待确认"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DONE = "done", "已生成任务"
        DISMISSED = "dismissed", "已驳回"

    measure = models.ForeignKey(
        "tasks.Measure", verbose_name="措施", on_delete=models.CASCADE, related_name="pending_assignments"
    )
    printed_name = models.CharField("原文单位名称", max_length=200)
    role = models.CharField("角色", max_length=16, choices=TaskRole.choices)
    reason = models.CharField("原因", max_length=16, choices=Reason.choices)
    department = models.ForeignKey(
        "departments.Department", verbose_name="建议部门", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    unresolved = models.ForeignKey(
        "departments.UnresolvedName", verbose_name="待识别名称", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="pending_assignments",
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "待确认分工"
        verbose_name_plural = "待确认分工"
        ordering = ["measure_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "printed_name", "role"],
                name="%(app_label)s_%(class)s_unique_measure_name_role",
                violation_error_message="该措施已有此待确认分工。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.printed_name}（{self.get_reason_display()}）"


class ProgressReport(models.Model):
    """A progress report on a task (进展情况/存在问题/下步措施). Append-only: never edited."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "进展报送"
        COMPLETION = "completion", "办结申请"

    task = models.ForeignKey("tasks.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.PROGRESS)
    period = models.CharField(
        "报送周期", max_length=16, blank=True, db_index=True, help_text="如 2026-11、2026-Q4。"
    )
    percent = models.PositiveSmallIntegerField(
        "完成进度(%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    progress = models.TextField("进展情况")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步措施", blank=True)
    created_at = models.DateTimeField("报送时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["task", "period"], name="tasks_report_task_period")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period} {self.percent}%"


class Attachment(models.Model):
    """A file attached to a progress report (evidence). Type and size are checked by the service."""

    report = models.ForeignKey(
        "tasks.ProgressReport", verbose_name="进展报告", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to="reports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大小(字节)")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(models.Model):
    """A request to move a task's deadline, decided by a supervisor. Filed late, it says so (`was_overdue`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        WITHDRAWN = "withdrawn", "已撤回"

    task = models.ForeignKey("tasks.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("延期理由")
    current_deadline = models.DateField("原完成时限", null=True, blank=True)
    requested_deadline = models.DateField("申请完成时限")
    current_percent = models.PositiveSmallIntegerField(
        "当前进度(%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    was_overdue = models.BooleanField("申请时已逾期", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_task",
                violation_error_message="该任务已有待审批的延期申请。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.requested_deadline}（{self.get_status_display()}）"


class LightSnapshot(models.Model):
    """The traffic light of a task at the end of a reporting period, kept as history."""

    task = models.ForeignKey("tasks.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="light_history")
    period = models.CharField("周期", max_length=16)
    light = models.CharField("灯色", max_length=16, choices=Light.choices)
    percent = models.PositiveSmallIntegerField("完成进度(%)")
    expected_percent = models.PositiveSmallIntegerField("序时进度(%)", null=True, blank=True)
    taken_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "亮灯记录"
        verbose_name_plural = "亮灯记录"
        ordering = ["task_id", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "period"],
                name="%(app_label)s_%(class)s_unique_task_period",
                violation_error_message="每个任务每个周期只记录一次灯色。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period} {self.light}"


class AuditEvent(models.Model):
    """Append-only trail of every change: who, when, what, before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=50)
    object_type = models.CharField("对象类型", max_length=50)
    object_id = models.CharField("对象 ID", max_length=50)
    task = models.ForeignKey(
        "tasks.Task", verbose_name="任务", on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    before = models.JSONField("变更前", default=dict, blank=True)
    after = models.JSONField("变更后", default=dict, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="tasks_audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class PolicyUpload(models.Model):
    """An uploaded file waiting for confirmation: parsed and previewed, nothing created yet."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        CONFIRMED = "confirmed", "已导入"
        DISCARDED = "discarded", "已放弃"

    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    content = models.BinaryField("文件内容")
    preview = models.JSONField("预览", default=dict)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PREVIEW)
    document = models.ForeignKey(
        "tasks.PolicyDocument", verbose_name="导入后的文件", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "待确认导入"
        verbose_name_plural = "待确认导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
