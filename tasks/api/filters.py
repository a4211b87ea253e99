"""django-filter FilterSets for the task API."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from departments.models import DepartmentKind
from tasks.models import (
    CLOSED_STATUSES,
    ExtensionRequest,
    Light,
    Measure,
    ProgressReport,
    Task,
    TaskRole,
    TaskStatus,
)
from tasks.selectors import my_tasks_q

_MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """An object id: a whole number in the database's range (1.5 or 1e110 is a 400, not a 500 on SQLite)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", -_MAX_ID)
        kwargs.setdefault("max_value", _MAX_ID)
        super().__init__(*args, **kwargs)


class TaskFilterSet(filters.FilterSet):
    """?department=&role=&status=&light=&overdue=&deadline_after=&deadline_before=&document=&owner=&q=&mine=&parent=
    &days_overdue_min="""

    department = IdFilter(field_name="department_id", label="部门 ID")
    department_kind = filters.ChoiceFilter(field_name="department__kind", choices=DepartmentKind.choices)
    role = filters.ChoiceFilter(choices=TaskRole.choices)
    status = filters.MultipleChoiceFilter(choices=TaskStatus.choices, label="状态（可多选）")
    light = filters.ChoiceFilter(choices=Light.choices, method="filter_light", label="灯色")
    overdue = filters.BooleanFilter(method="filter_overdue", label="是否逾期")
    deadline = filters.DateFromToRangeFilter(label="完成时限范围（deadline_after / deadline_before）")
    document = IdFilter(field_name="measure__document_id", label="文件 ID")
    measure = IdFilter(field_name="measure_id", label="措施 ID")
    owner = IdFilter(field_name="owner_id", label="承办人 ID")
    q = filters.CharFilter(method="search", label="搜索（措施标题、部门、原文单位名称）")
    mine = filters.BooleanFilter(method="filter_mine", label="我的待办：本人为承办人（主办/协办）的未办结任务")
    parent = IdFilter(field_name="parent_id", label="上级任务 ID（列出其直接分解任务）")
    days_overdue_min = filters.NumberFilter(
        field_name="days_overdue", lookup_expr="gte", label="逾期工作日数不少于（按工作日计，未逾期为 0）"
    )

    class Meta:
        model = Task
        fields = ["department", "role", "status", "document", "owner"]

    def filter_light(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(light=value)  # type: ignore[misc]  # annotated by the selector

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        return queryset if value is None else queryset.filter(overdue=value)  # type: ignore[misc]

    def filter_mine(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(my_tasks_q(user=user)).exclude(status__in=CLOSED_STATUSES)

    def search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(measure__title__icontains=value)
            | Q(department__name__icontains=value)
            | Q(printed_name__icontains=value)
            | Q(measure__document__title__icontains=value)
        )


class ReportFilterSet(filters.FilterSet):
    task = IdFilter(field_name="task_id")
    department = IdFilter(field_name="task__department_id")
    period = filters.CharFilter()
    kind = filters.ChoiceFilter(choices=ProgressReport.Kind.choices)

    class Meta:
        model = ProgressReport
        fields = ["task", "department", "period", "kind"]


class ExtensionFilterSet(filters.FilterSet):
    task = IdFilter(field_name="task_id")
    department = IdFilter(field_name="task__department_id")
    status = filters.ChoiceFilter(choices=ExtensionRequest.Status.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["task", "department", "status"]


class MeasureFilterSet(filters.FilterSet):
    document = IdFilter(field_name="document_id")
    parent = IdFilter(field_name="parent_id")
    kind = filters.ChoiceFilter(choices=Measure.Kind.choices)
    q = filters.CharFilter(method="search")

    class Meta:
        model = Measure
        fields = ["document", "parent", "kind"]

    def search(self, queryset: QuerySet[Measure], name: str, value: str) -> QuerySet[Measure]:
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value)) if value.strip() else queryset
