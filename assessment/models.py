"""考核 and 通报: score rules as data (versioned by validity period), stored scores with their
traceable items, and bulletins (draft → issued, immutable once issued).

Scores are derived data: assessment/services.py recomputes a period by replacing all its rows in one
transaction, so a recompute of a closed period with the same history gives the same rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class RankGroup(models.TextChoices):
    """How departments are ranked against each other (department kinds → group)."""

    CITY = "city", "市直部门"
    COUNTY = "county", "县(市、区)"
    PARK = "park", "园区"


# departments.DepartmentKind → ranking group; other kinds (内设科室, 乡镇) are not scored.
KIND_GROUP = {
    "city": RankGroup.CITY,
    "party": RankGroup.CITY,
    "office": RankGroup.CITY,
    "other": RankGroup.CITY,
    "county": RankGroup.COUNTY,
    "park": RankGroup.PARK,
}


class EventKind(models.TextChoices):
    """What a score item is about. The first group are rule items; the rest are computed lines."""

    ON_TIME = "on_time", "按期办结"
    LATE = "late", "逾期办结"
    OVERDUE_OPEN = "overdue_open", "期末逾期未办结"
    RETURNED = "returned", "退回重办"
    REPORT_MISSING = "report_missing", "未按期报送进展"
    URGED = "urged", "被催办"
    EXTENSION = "extension", "延期（按期申请）"
    EXTENSION_LATE = "extension_late", "延期（逾期后申请）"
    BASE = "base", "基础分"
    CAP = "cap", "单项封顶"
    COMPLETION = "completion", "完成率折算"
    LIMIT = "limit", "总分上下限"


RULE_EVENTS = (
    EventKind.ON_TIME,
    EventKind.LATE,
    EventKind.OVERDUE_OPEN,
    EventKind.RETURNED,
    EventKind.REPORT_MISSING,
    EventKind.URGED,
    EventKind.EXTENSION,
    EventKind.EXTENSION_LATE,
)


class RuleRole(models.TextChoices):
    ANY = "any", "牵头和配合"
    LEAD = "lead", "牵头"
    CO = "co", "配合（责任）"


class ScoreRuleSet(models.Model):
    """One version of the scoring rules, in force from `valid_from` to `valid_to` (inclusive).

    A period is scored with the active version whose validity covers the period's last day (latest
    `valid_from` wins). To change the rules for the future, add a new version with a later
    `valid_from` instead of editing one that earlier periods were computed with.
    """

    class Preset(models.TextChoices):
        DEDUCTION = "deduction", "基础分100扣分制"
        UNDERTAKING = "undertaking", "承办加分制（牵头+2/配合+1）"
        COMPLETION = "completion", "得分×完成率"
        CUSTOM = "custom", "自定义"

    name = models.CharField("名称", max_length=100)
    preset = models.CharField("模式", max_length=16, choices=Preset.choices, default=Preset.CUSTOM)
    active = models.BooleanField("启用", default=True)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True, help_text="留空表示长期有效。")
    base_score = models.DecimalField("基础分", max_digits=7, decimal_places=2, default=Decimal("100"))
    multiply_by_completion = models.BooleanField(
        "按完成率折算", default=False, help_text="总分 × 完成率（期末应完成任务中已办结的比例）。"
    )
    max_total = models.DecimalField("总分上限", max_digits=7, decimal_places=2, null=True, blank=True)
    min_total = models.DecimalField("总分下限", max_digits=7, decimal_places=2, null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "考核规则版本"
        verbose_name_plural = "考核规则版本"
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "长期"
        return f"{self.name}（{self.valid_from.isoformat()} 至 {end}）"

    def clean(self) -> None:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "失效日期不能早于生效日期。"})
        if self.max_total is not None and self.min_total is not None and self.max_total < self.min_total:
            raise ValidationError({"max_total": "总分上限不能低于下限。"})


class ScoreRuleItem(models.Model):
    """Points per event (positive: bonus, negative: deduction), for a task role, with an optional cap."""

    ruleset = models.ForeignKey(ScoreRuleSet, verbose_name="规则版本", on_delete=models.CASCADE, related_name="items")
    event = models.CharField("事项", max_length=20, choices=[(e.value, e.label) for e in RULE_EVENTS])
    role = models.CharField("任务角色", max_length=8, choices=RuleRole.choices, default=RuleRole.ANY)
    points = models.DecimalField("分值（每次）", max_digits=7, decimal_places=2, help_text="加分为正，扣分为负。")
    cap = models.DecimalField(
        "单项每期上限",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="本项每个部门每期累计分值的绝对值上限；留空不封顶。",
    )
    label = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "考核规则条目"
        verbose_name_plural = "考核规则条目"
        ordering = ["ruleset_id", "event", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "event", "role"],
                name="%(app_label)s_%(class)s_unique_event_role",
                violation_error_message="同一规则版本中同一事项和角色只能有一条。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()}（{self.get_role_display()}）{self.points:+}"


class DocumentWeight(models.Model):
    """Optional weight of one document's tasks in a rule version (default 1)."""

    ruleset = models.ForeignKey(
        ScoreRuleSet, verbose_name="规则版本", on_delete=models.CASCADE, related_name="document_weights"
    )
    document = models.ForeignKey(
        "tasks.PolicyDocument", verbose_name="文件", on_delete=models.CASCADE, related_name="+"
    )
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2, default=Decimal("1"))

    class Meta:
        verbose_name = "文件权重"
        verbose_name_plural = "文件权重"
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "document"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} × {self.weight}"


class ScorePeriod(models.Model):
    """A computed period (2026-05, 2026-Q2, 2026): which rules, as of which day, when."""

    key = models.CharField("周期", max_length=16, unique=True)
    kind = models.CharField("周期类型", max_length=8, choices=PeriodKind.choices)
    start = models.DateField("起")
    end = models.DateField("止")
    as_of = models.DateField("计算截至", help_text="已结束的周期为期末；进行中的周期为计算当日。")
    closed = models.BooleanField("已结束", default=False)
    ruleset = models.ForeignKey(ScoreRuleSet, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField("所用规则", default=dict, help_text="计算时规则版本的内容（留档）。")
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    department_count = models.PositiveIntegerField("部门数", default=0)
    item_count = models.PositiveIntegerField("明细条数", default=0)

    class Meta:
        verbose_name = "考核周期"
        verbose_name_plural = "考核周期"
        ordering = ["-end", "kind"]

    def __str__(self) -> str:
        return self.key


class DepartmentScore(models.Model):
    """One department's score for one period, with the figures rankings and the bulletin show."""

    period = models.ForeignKey(ScorePeriod, verbose_name="周期", on_delete=models.CASCADE, related_name="scores")
    department = models.ForeignKey(
        "departments.Department", verbose_name="部门", on_delete=models.CASCADE, related_name="+"
    )
    group = models.CharField("排名分组", max_length=8, choices=RankGroup.choices)
    total = models.DecimalField("得分", max_digits=9, decimal_places=2)
    bonus = models.DecimalField("加分", max_digits=9, decimal_places=2, default=Decimal("0"))
    deduction = models.DecimalField("扣分", max_digits=9, decimal_places=2, default=Decimal("0"))
    rank = models.PositiveIntegerField("组内名次", default=0)
    task_count = models.PositiveIntegerField("考核任务数", default=0)
    finished_on_time = models.PositiveIntegerField("本期按期办结", default=0)
    finished_late = models.PositiveIntegerField("本期逾期办结", default=0)
    overdue_open = models.PositiveIntegerField("期末逾期未办结", default=0)
    due_count = models.PositiveIntegerField("期末应完成", default=0)
    due_finished = models.PositiveIntegerField("期末应完成已办结", default=0)
    on_time_rate = models.DecimalField("按期率(%)", max_digits=5, decimal_places=1, null=True, blank=True)
    completion_rate = models.DecimalField("完成率(%)", max_digits=5, decimal_places=1, null=True, blank=True)
    red = models.PositiveIntegerField("红灯", default=0)
    yellow = models.PositiveIntegerField("黄灯", default=0)
    green = models.PositiveIntegerField("绿灯", default=0)
    lights_source = models.CharField(
        "灯色来源", max_length=16, blank=True, help_text="snapshot 月末记录；computed 按期末计算。"
    )

    class Meta:
        verbose_name = "部门得分"
        verbose_name_plural = "部门得分"
        ordering = ["period_id", "group", "rank", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "department"], name="%(app_label)s_%(class)s_unique"),
        ]
        indexes = [models.Index(fields=["department", "period"], name="assessment_score_dept_period")]

    def __str__(self) -> str:
        return f"{self.period_id} {self.department_id} {self.total}"


class ScoreItem(models.Model):
    """One line of a score: which rule, which task, which event, how many points and why."""

    score = models.ForeignKey(DepartmentScore, verbose_name="得分", on_delete=models.CASCADE, related_name="items")
    rule_item = models.ForeignKey(
        ScoreRuleItem, verbose_name="规则条目", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        "tasks.Task", verbose_name="任务", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.CharField("事项", max_length=20, choices=EventKind.choices)
    event_ref = models.CharField("事件", max_length=40, blank=True, help_text="如 urge:12、audit:340、report:2026-05。")
    event_at = models.DateTimeField("事件时间", null=True, blank=True)
    points = models.DecimalField("分值", max_digits=9, decimal_places=2)
    explanation = models.CharField("说明", max_length=300)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "得分明细"
        verbose_name_plural = "得分明细"
        ordering = ["score_id", "order"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.points:+} {self.explanation}"


class IssuedBulletinError(Exception):
    """An issued bulletin is archived: it cannot be changed or deleted."""


class Bulletin(models.Model):
    """通报: a period's bulletin. Drafts are edited (overview, 表扬, 批评); issuing archives the docx and
    the data it was built from, after which the row can be neither changed nor deleted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已印发"

    period = models.ForeignKey(ScorePeriod, verbose_name="周期", on_delete=models.PROTECT, related_name="bulletins")
    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=100, default="督办通报〔　　〕　号")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT)
    overdue_threshold = models.PositiveSmallIntegerField(
        "批评阈值（工作日）", default=10, help_text="逾期超过此工作日数且本期无进展报告的单位列入批评。"
    )
    overview = models.TextField("总体情况", blank=True)
    praise = models.TextField("表扬", blank=True, help_text="每行一个单位及事由。")
    criticism = models.TextField("批评", blank=True, help_text="每行一个单位及事由。")
    data = models.JSONField("数据", default=dict, help_text="生成通报所用数据（印发时冻结）。")
    docx = models.BinaryField("通报文件", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)

    class Meta:
        verbose_name = "情况通报"
        verbose_name_plural = "情况通报"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_issued_has_file",
                condition=Q(status="draft") | (Q(issued_at__isnull=False) & Q(docx__isnull=False)),
                violation_error_message="已印发的通报必须有印发时间和文件。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_status() == Bulletin.Status.ISSUED:
            raise IssuedBulletinError("通报已印发归档，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._stored_status() == Bulletin.Status.ISSUED:
            raise IssuedBulletinError("通报已印发归档，不能删除。")
        return super().delete(*args, **kwargs)

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return Bulletin.objects.filter(pk=self.pk).values_list("status", flat=True).first()
