"""Reminder rules, channels, the exactly-once reminder log, and in-app notifications.

Models hold data and invariants only; the sweep and delivery live in reminders/services.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# --- Choices ---


class Channel(models.TextChoices):
    """Where a reminder goes. `inapp`/`email` are per person; the others are group webhooks."""

    INAPP = "inapp", "站内通知"
    EMAIL = "email", "电子邮件"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    WEBHOOK = "webhook", "通用签名 Webhook"


PERSON_CHANNELS = (Channel.INAPP, Channel.EMAIL)
HOOK_CHANNELS = (Channel.WECOM, Channel.DINGTALK, Channel.WEBHOOK)


class ReminderKind(models.TextChoices):
    ASSIGNED = "assigned", "新任务交办"
    DUE_SOON = "due_soon", "临近截止提醒"
    OVERDUE = "overdue", "逾期催办"
    REPORT_DUE = "report_due", "进展报送提醒"
    ESCALATE_LEADER = "escalate_leader", "逾期升级（部门负责人）"
    ESCALATE_SUPERVISOR = "escalate_supervisor", "逾期升级（督查室）"
    DIGEST_LEADER = "digest_leader", "每日汇总（部门负责人）"
    DIGEST_SUPERVISOR = "digest_supervisor", "每日汇总（督查室）"
    # Workflow events (reminders/events.py): written when the change happens, one per event and person.
    RETURNED = "returned", "退回重办"
    APPROVED = "approved", "审核通过"
    EXTENSION_GRANTED = "extension_granted", "延期已批准"
    EXTENSION_REFUSED = "extension_refused", "延期未批准"
    REVIEW_WAITING = "review_waiting", "待您审核"
    REASSIGNED = "reassigned", "任务改派"
    DECLINED = "declined", "任务被退回待改派"
    HANDLER_ASSIGNED = "handler_assigned", "指派承办"
    URGED = "urged", "催办"
    DEADLINE_CHANGED = "deadline_changed", "完成时限调整"
    # 考核 (assessment/bulletins.py): an issued 情况通报 naming the department.
    BULLETIN = "bulletin", "情况通报"
    # One message per person listing their held (待汇总) notices, for people who chose 每日汇总.
    PERSONAL_DIGEST = "personal_digest", "通知汇总"


DIGEST_KINDS = (ReminderKind.DIGEST_LEADER, ReminderKind.DIGEST_SUPERVISOR)
EVENT_KINDS = (
    ReminderKind.RETURNED,
    ReminderKind.APPROVED,
    ReminderKind.EXTENSION_GRANTED,
    ReminderKind.EXTENSION_REFUSED,
    ReminderKind.REVIEW_WAITING,
    ReminderKind.REASSIGNED,
    ReminderKind.DECLINED,
    ReminderKind.HANDLER_ASSIGNED,
    ReminderKind.URGED,
    ReminderKind.DEADLINE_CHANGED,
)
# Task reminders that are sent as ONE message per person (or webhook) and kind when several are due at
# once: after an import a liaison gets "您有 30 项新任务" instead of 30 messages.
BATCH_KINDS = (
    ReminderKind.ASSIGNED,
    ReminderKind.DUE_SOON,
    ReminderKind.OVERDUE,
    ReminderKind.REPORT_DUE,
    ReminderKind.ESCALATE_LEADER,
    ReminderKind.ESCALATE_SUPERVISOR,
    ReminderKind.URGED,  # a bulk 催办 of 30 red tasks reaches each person as one message
)
# Kinds nobody can mute (they may still come in the daily summary): overdue escalations.
UNMUTABLE_KINDS = (ReminderKind.ESCALATE_LEADER, ReminderKind.ESCALATE_SUPERVISOR)
# Kinds a person may mute in 通知设置.
MUTABLE_KINDS = tuple(k for k in ReminderKind if k not in UNMUTABLE_KINDS and k != ReminderKind.PERSONAL_DIGEST)


def default_days_before() -> list[int]:
    return [30, 7, 3, 1, 0]


def default_report_days_before() -> list[int]:
    return [3, 1]


def default_channels() -> list[str]:
    return [c.value for c in Channel]


def _validate_day_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, int) and 0 <= v <= 365 for v in value):
        raise ValidationError("必须是 0 到 365 之间的整数列表，如 [30, 7, 3, 1, 0]。")


def _validate_channels(value: object) -> None:
    allowed = set(Channel.values)
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        raise ValidationError(f"渠道只能是 {', '.join(sorted(allowed))} 中的值。")


# --- Rules and channels ---


class ReminderRule(models.Model):
    """When and how to remind. One global rule (document empty) plus optional per-document overrides.

    Day counts are WORKING days by the Chinese holiday calendar (reminders/schedule.py).
    """

    name = models.CharField("名称", max_length=100, default="默认提醒规则")
    document = models.OneToOneField(
        "tasks.PolicyDocument", verbose_name="适用文件", on_delete=models.CASCADE, null=True, blank=True,
        related_name="reminder_rule", help_text="为空表示全局规则；文件规则优先于全局规则。",
    )
    active = models.BooleanField("启用", default=True)
    days_before = models.JSONField(
        "截止前提醒（工作日）", default=default_days_before, validators=[_validate_day_list],
        help_text="截止日前第几个工作日提醒，0 表示截止当日。",
    )
    overdue_repeat_days = models.PositiveSmallIntegerField(
        "逾期重复催办间隔（工作日）", default=3, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    escalate_leader_after_days = models.PositiveSmallIntegerField(
        "逾期几个工作日后升级至部门负责人", null=True, blank=True, default=3, help_text="为空则不升级。"
    )
    escalate_supervisor_after_days = models.PositiveSmallIntegerField(
        "逾期几个工作日后升级至督查室", null=True, blank=True, default=7, help_text="为空则不升级。"
    )
    report_due_days_before = models.JSONField(
        "报送截止前提醒（工作日）", default=default_report_days_before, validators=[_validate_day_list], blank=True
    )
    quiet_hours_start = models.TimeField(
        "免打扰开始", null=True, blank=True, default=dt.time(22, 0), help_text="北京时间；为空则不设免打扰。"
    )
    quiet_hours_end = models.TimeField("免打扰结束", null=True, blank=True, default=dt.time(7, 0))
    channels = models.JSONField("启用渠道", default=default_channels, validators=[_validate_channels])
    digest_enabled = models.BooleanField("每日汇总", default=True, help_text="仅全局规则的设置生效。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提醒规则"
        verbose_name_plural = "提醒规则"
        ordering = ["document_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(document__isnull=True, active=True),
                name="%(app_label)s_%(class)s_one_active_global",
                violation_error_message="只能有一条启用的全局提醒规则。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{'全局' if self.document_id is None else self.document}）"

    def clean(self) -> None:
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValidationError({"quiet_hours_end": "免打扰开始和结束时间须同时填写或同时为空。"})
        if (
            self.escalate_leader_after_days is not None
            and self.escalate_supervisor_after_days is not None
            and self.escalate_supervisor_after_days < self.escalate_leader_after_days
        ):
            raise ValidationError({"escalate_supervisor_after_days": "升级至督查室的天数不能早于升级至部门负责人。"})


class ChannelConfig(models.Model):
    """A group-robot or integration webhook. With a department it only gets that department's tasks."""

    KIND_CHOICES = [(c.value, c.label) for c in HOOK_CHANNELS]

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=KIND_CHOICES)
    url = models.URLField("地址", max_length=500)
    secret = models.CharField(
        "签名密钥", max_length=200, blank=True, help_text="钉钉加签密钥 / 通用 Webhook 的 HMAC 密钥。"
    )
    department = models.ForeignKey(
        "departments.Department", verbose_name="限定部门", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", help_text="为空表示接收全部部门的提醒。",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "推送渠道"
        verbose_name_plural = "推送渠道"
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


# --- The log: one row per reminder that should be (or was) sent ---


class ReminderLog(models.Model):
    """One reminder to one target on one channel. Unique, so a reminder is never recorded (or sent) twice.

    `target` is "u:<user id>" for a person or "w:<webhook id>" for a group webhook; `date_key`
    names the occasion (e.g. "2026-12-31:D-7"). Digests have no task.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "已跳过"
        # Kept for the recipient's daily summary (通知设置 → 每日汇总); the normal claim never picks it.
        HELD = "held", "待汇总"

    task = models.ForeignKey(
        "tasks.Task", verbose_name="任务", on_delete=models.CASCADE, null=True, blank=True, related_name="reminder_logs"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    webhook = models.ForeignKey(
        "reminders.ChannelConfig", verbose_name="推送渠道", on_delete=models.CASCADE, null=True, blank=True,
        related_name="logs",
    )
    target = models.CharField("接收方", max_length=24)
    kind = models.CharField("类型", max_length=24, choices=ReminderKind.choices)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    date_key = models.CharField("时点", max_length=40)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    not_before = models.DateTimeField("最早发送时间", help_text="免打扰或重试退避时推迟到此时间。")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "target", "kind", "channel", "date_key"],
                condition=Q(task__isnull=False),
                name="%(app_label)s_%(class)s_unique_task_reminder",
                violation_error_message="该提醒已记录。",
            ),
            models.UniqueConstraint(
                fields=["target", "kind", "channel", "date_key"],
                condition=Q(task__isnull=True),
                name="%(app_label)s_%(class)s_unique_digest",
                violation_error_message="该汇总已记录。",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_target",
                condition=Q(recipient__isnull=False, webhook__isnull=True)
                | Q(recipient__isnull=True, webhook__isnull=False),
                violation_error_message="接收人和推送渠道必须且只能填一个。",
            ),
        ]
        indexes = [
            # The delivery claim: pending rows whose time has come, oldest first.
            models.Index(fields=["not_before", "id"], condition=Q(status="pending"), name="reminders_log_pending"),
            models.Index(fields=["task", "kind"], name="reminders_log_task_kind"),
            # The daily personal digest: held rows per target.
            models.Index(fields=["target", "id"], condition=Q(status="held"), name="reminders_log_held"),
            # Batching: the other due rows of one target, channel and kind.
            models.Index(
                fields=["target", "kind", "channel", "not_before"], condition=Q(status="pending"),
                name="reminders_log_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target} {self.channel} {self.date_key}"


class Notification(models.Model):
    """An in-app message for one user. Created in the same transaction that marks its log row sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notifications"
    )
    log = models.OneToOneField(
        "reminders.ReminderLog", verbose_name="提醒记录", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="notification",
    )
    task = models.ForeignKey(
        "tasks.Task", verbose_name="任务", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("类型", max_length=24, choices=ReminderKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="reminders_notif_user_read")]

    def __str__(self) -> str:
        return self.title


def default_preference_channels() -> list[str]:
    return [Channel.INAPP.value, Channel.EMAIL.value]


class NotificationPreference(models.Model):
    """One person's notification settings (通知设置). No row means the defaults: everything, in-app and email.

    - `muted_kinds`: kinds the person does not want at all (overdue escalations cannot be muted);
    - `channels`: personal channels; 站内通知 is always on, e-mail may be switched off;
    - `digest`: keep the notices for one daily summary (每日汇总) instead of one message each.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted_kinds = models.JSONField("不接收的通知类型", default=list, blank=True)
    channels = models.JSONField("接收渠道", default=default_preference_channels)
    digest = models.BooleanField("每日汇总代替逐条通知", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user} 的通知设置"

    def clean(self) -> None:
        muted = self.muted_kinds
        if not isinstance(muted, list) or not all(isinstance(k, str) for k in muted):
            raise ValidationError({"muted_kinds": "必须是通知类型的列表。"})
        unknown = [k for k in muted if k not in ReminderKind.values]
        if unknown:
            raise ValidationError({"muted_kinds": f"未知的通知类型：{'、'.join(unknown)}。"})
        locked = [str(ReminderKind(k).label) for k in muted if k in UNMUTABLE_KINDS]
        if locked:
            raise ValidationError({"muted_kinds": f"“{'、'.join(locked)}”不能屏蔽，可改为每日汇总接收。"})
        chans = self.channels
        if not isinstance(chans, list) or not all(isinstance(c, str) and c in PERSON_CHANNELS for c in chans):
            raise ValidationError({"channels": "接收渠道只能是 inapp（站内通知）或 email（电子邮件）。"})
        if Channel.INAPP not in chans:
            raise ValidationError({"channels": "站内通知不能关闭；不想逐条接收可改为每日汇总或屏蔽具体类型。"})
