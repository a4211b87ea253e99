"""Users, their place in a department, and API tokens for integrations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class DeptRole(models.TextChoices):
    """A user's role inside their department."""

    STAFF = "staff", "承办人"
    LIAISON = "liaison", "联络员"
    LEADER = "leader", "负责人"


class User(AbstractUser):
    """A person. Belongs to at most one department with one role; 督查室 supervisors see everything."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="所属部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    dept_role = models.CharField("部门角色", max_length=16, choices=DeptRole.choices, blank=True)
    is_supervisor = models.BooleanField(
        "督查室督查员", default=False, help_text="可查看全部任务、审核延期和牵头任务办结。"
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    wecom_userid = models.CharField("企业微信账号", max_length=64, blank=True)
    dingtalk_userid = models.CharField("钉钉账号", max_length=64, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_role_needs_department",
                condition=Q(dept_role="") | Q(department__isnull=False),
                violation_error_message="设置部门角色前必须先指定所属部门。",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_dept_leader(self) -> bool:
        return self.department_id is not None and self.dept_role == DeptRole.LEADER


class ApiToken(models.Model):
    """A per-user API token for integrations. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey("accounts.User", verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12, db_index=True, help_text="令牌开头几位，用于识别，不是密钥。")
    key_hash = models.CharField("密钥哈希", max_length=64, unique=True)
    read_only = models.BooleanField("只读", default=False)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="限定部门",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text="设置后该令牌只能访问此部门的数据。",
    )
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
