"""Departments, the names documents print for them (aliases), and named groups of departments."""

from __future__ import annotations

from typing import Any

from django.db import models

from .naming import name_key


class KeyedNameModel(models.Model):
    """A row whose `key` is derived from `name` by departments.naming.name_key (an invariant, kept on save)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = name_key(self.name)  # type: ignore[attr-defined]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "key"}
        super().save(*args, **kwargs)


class DepartmentKind(models.TextChoices):
    CITY = "city", "市级部门"
    PARTY = "party", "党委部门/办公室"
    COUNTY = "county", "县(市、区)政府"
    PARK = "park", "园区管委会"
    OFFICE = "office", "领导小组办公室"
    OTHER = "other", "国企/其他"
    SECTION = "section", "内设科室"
    TOWNSHIP = "township", "乡镇（街道）"


class Department(KeyedNameModel):
    """A unit that can be assigned work. `name` is the canonical full name and is unique."""

    name = models.CharField("规范名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.CITY)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    key = models.CharField("匹配键", max_length=100, db_index=True, editable=False, help_text="名称规则化后的形式。")
    active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(KeyedNameModel):
    """A name as printed in documents (市工信局) that means one department (市工业和信息化局)."""

    name = models.CharField("印发名称", max_length=100, unique=True)
    key = models.CharField("匹配键", max_length=100, db_index=True, editable=False)
    department = models.ForeignKey(
        "departments.Department", verbose_name="部门", on_delete=models.CASCADE, related_name="aliases"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "部门别名"
        verbose_name_plural = "部门别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.department.name}"


class DepartmentGroup(KeyedNameModel):
    """A group name as printed (各县(市、区)人民政府); assigning to it yields one task per member."""

    name = models.CharField("组名称", max_length=100, unique=True)
    key = models.CharField("匹配键", max_length=100, db_index=True, editable=False)
    members = models.ManyToManyField(
        "departments.Department", verbose_name="成员部门", related_name="groups", blank=True
    )
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "部门组"
        verbose_name_plural = "部门组"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DepartmentGroupAlias(KeyedNameModel):
    """Another printed form of a group name (各县(市)、区人民政府 = 各县(市、区)人民政府)."""

    name = models.CharField("印发名称", max_length=100, unique=True)
    key = models.CharField("匹配键", max_length=100, db_index=True, editable=False)
    group = models.ForeignKey(
        "departments.DepartmentGroup", verbose_name="部门组", on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta:
        verbose_name = "部门组别名"
        verbose_name_plural = "部门组别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.group.name}"


class UnresolvedName(KeyedNameModel):
    """A printed name no department or group matched. A supervisor maps it once; it becomes an alias."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        MAPPED = "mapped", "已对应"
        IGNORED = "ignored", "已忽略"

    name = models.CharField("印发名称", max_length=200, unique=True)
    key = models.CharField("匹配键", max_length=200, db_index=True, editable=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    department = models.ForeignKey(
        "departments.Department", verbose_name="对应部门", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        "departments.DepartmentGroup", verbose_name="对应部门组", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    occurrences = models.PositiveIntegerField("出现次数", default=0)
    created_at = models.DateTimeField("首次出现", auto_now_add=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "待识别单位名称"
        verbose_name_plural = "待识别单位名称"
        ordering = ["status", "-occurrences", "name"]

    def __str__(self) -> str:
        return self.name


class RenameRule(KeyedNameModel):
    """A known 机构改革 rename or merge: an old printed name and the department that carries on its work.

    Kept as data (editable in the admin). The 待识别名称 queue suggests the successor; nothing is
    mapped without a supervisor's click, because a merged agency's work may have gone to several units.
    """

    class Kind(models.TextChoices):
        RENAME = "rename", "更名"
        MERGE = "merge", "合并/职责划入"

    name = models.CharField("原机构名称", max_length=100, unique=True)
    key = models.CharField("匹配键", max_length=100, db_index=True, editable=False)
    successor_name = models.CharField("现机构名称", max_length=100, help_text="改革后承接职责的机构全称。")
    department = models.ForeignKey(
        "departments.Department", verbose_name="现部门", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text="本系统中对应的部门；为空时按现机构名称查找。",
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.RENAME)
    year = models.PositiveSmallIntegerField("改革年份", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "机构改革更名"
        verbose_name_plural = "机构改革更名"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.successor_name}"
