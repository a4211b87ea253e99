"""Reads of tasks and progress, scoped to the user (and API token) asking.

Scope: department users (承办人/联络员/负责人) see their department's tasks; supervisors and superusers
see everything; a token limited to a department narrows further. Out-of-scope objects are 404.
Every list here is one query (annotations and subqueries, never per-row lookups); the task and overdue lists
are paged in two (common.pagination.DeferredJoinPaginator: the page's keys, then its rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import local_today
from common.errors import NotFoundError
from common.expressions import CompiledOnce
from tasks.lights import LocalDate, annotate_light, days_overdue_annotation, expression_inputs, overdue_q
from tasks.models import (
    CLOSED_STATUSES,
    Attachment,
    ExtensionRequest,
    Light,
    Measure,
    PolicyDocument,
    ProgressReport,
    Task,
    TaskAssignee,
    TaskRole,
    TaskStatus,
    Urge,
)
from tasks.progress import annotate_report_missing, rollup_annotation
from tasks.workflow import is_supervisor

# --- Scope ---


def task_scope_q(*, user: Any, token: Any = None, prefix: str = "") -> Q:
    """The tasks `user` (through `token`, if any) may see, as a filter; `prefix` for related lookups."""
    field = f"{prefix}department_id"
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q()
    if not is_supervisor(user):
        if getattr(user, "department_id", None) is None or not getattr(user, "dept_role", ""):
            return Q(pk__in=[])
        # A department sees its own tasks, and — as 牵头单位, which coordinates the others and whose
        # 负责人 approves their completion — every task of the measures it leads.
        leads_measure = Exists(
            Task.objects.filter(
                measure_id=OuterRef(f"{prefix}measure_id"), role=TaskRole.LEAD, department_id=user.department_id
            )
        )
        q &= Q(Q(**{field: user.department_id}) | leads_measure | _below_own_task(user.department_id, prefix))
    token_dept = getattr(token, "department_id", None)
    if token_dept is not None:
        q &= Q(**{field: token_dept})
    return q


# 分解下达: how many levels below its own task a department still sees (task_decompose refuses deeper splits).
SUBTREE_DEPTH = 6


def _below_own_task(department_id: int, prefix: str = "") -> Exists:
    """The task was split off (at any of SUBTREE_DEPTH levels) from a task of `department_id`.

    One correlated EXISTS on the task's parent, whose own ancestors are OR'd joins: the list stays one query.
    """
    ancestor = Q(department_id=department_id)
    for depth in range(1, SUBTREE_DEPTH):
        ancestor |= Q(**{"parent__" * depth + "department_id": department_id})
    return Exists(Task.objects.filter(ancestor, pk=OuterRef(f"{prefix}parent_id")))


def token_department_ids(token: Any) -> list[int] | None:
    """Departments a token may act for (None: no restriction)."""
    dept = getattr(token, "department_id", None)
    return None if dept is None else [dept]


# --- Tasks ---


def _last_report(field: str) -> Subquery:
    return Subquery(
        ProgressReport.objects.filter(task_id=OuterRef("pk")).order_by("-created_at", "-id").values(field)[:1]
    )


def count_of(rows: QuerySet[Any], outer_field: str) -> Coalesce:
    """A correlated COUNT(*) of `rows` (already filtered on OuterRef) grouped by `outer_field`; 0 when none."""
    counted = rows.order_by().values(outer_field).annotate(c=Count("*")).values("c")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def task_annotate(qs: QuerySet[Task], today: dt.date | None = None) -> QuerySet[Task]:
    """Add light, overdue, days_overdue, lead_department_id, rollup_percent and the last report."""
    today = today or local_today()
    qs = annotate_light(qs, today)
    qs = annotate_report_missing(qs, today)
    derived = dict(
        overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
        days_overdue=days_overdue_annotation(today),  # working days (workdays.calendar)
        lead_department_id=Subquery(
            Task.objects.filter(measure_id=OuterRef("measure_id"), role=TaskRole.LEAD)
            .order_by("id")
            .values("department_id")[:1]
        ),
        rollup_percent=rollup_annotation(),
        # 分解下达: how many sub-tasks, and the splitting department (tasks.workflow.reviewer reads it).
        children_count=count_of(Task.objects.filter(parent_id=OuterRef("pk")), "parent_id"),
        parent_department_id=Subquery(Task.objects.filter(pk=OuterRef("parent_id")).values("department_id")[:1]),
        last_report_at=_last_report("created_at"),
        last_report_percent=_last_report("percent"),
        last_report_text=_last_report("progress"),
        urge_count=count_of(Urge.objects.filter(task_id=OuterRef("pk")), "task_id"),
    )
    # Compiled once per shared queryset (see _annotated_tasks and common.expressions.CompiledOnce).
    return qs.annotate(**{name: CompiledOnce(expr) for name, expr in derived.items()})


# task_annotate(Task.objects.all(), today) per lights.expression_inputs(today): building those ~20 annotations
# (resolving every expression) cost ~4 ms per request, the same for every request of the day. A QuerySet is
# never evaluated here, only cloned (`.all()`), so sharing it between requests and threads is safe.
_ANNOTATED: dict[tuple[Any, ...], QuerySet[Task]] = {}
_ANNOTATED_MAX = 8


def _annotated_tasks(today: dt.date | None) -> QuerySet[Task]:
    today = today or local_today()
    key = expression_inputs(today)
    template = _ANNOTATED.get(key)
    if template is None:
        if len(_ANNOTATED) >= _ANNOTATED_MAX:
            _ANNOTATED.clear()
        template = _ANNOTATED[key] = task_annotate(Task.objects.all(), today)
    return template.all()


def task_list_for_user(*, user: Any, token: Any = None, today: dt.date | None = None) -> QuerySet[Task]:
    """The tasks the user may see, with related rows joined and derived state annotated."""
    # Whether the asking user is one of the task's 承办人 (tasks.workflow.dept_handler reads it, no query per row).
    viewer_id = getattr(user, "pk", None) or 0
    return (
        _annotated_tasks(today)
        .filter(task_scope_q(user=user, token=token))
        .select_related("measure__document", "department", "owner")
        .annotate(
            viewer_id=Value(viewer_id, output_field=IntegerField()),
            viewer_is_assignee=Exists(TaskAssignee.objects.filter(task_id=OuterRef("pk"), user_id=viewer_id)),
        )
    )


def task_get_for_user(*, user: Any, token: Any = None, task_id: int) -> Task:
    """One task in scope, annotated, with its 承办人; NotFoundError (404) otherwise."""
    task = (
        task_list_for_user(user=user, token=token)
        .select_related("measure__parent")  # the detail page shows the section (所属章节)
        .prefetch_related(Prefetch("assignees", queryset=TaskAssignee.objects.select_related("user")))
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFoundError("任务不存在，或不在您的权限范围内。")
    return task


def report_list_for_user(*, user: Any, token: Any = None) -> QuerySet[ProgressReport]:
    """Progress reports of tasks in scope, with their attachments."""
    return (
        ProgressReport.objects.filter(task_scope_q(user=user, token=token, prefix="task__"))
        .select_related("task__department", "author")
        .prefetch_related("attachments")
    )


def attachment_get_for_user(*, user: Any, token: Any = None, attachment_id: int) -> Attachment:
    """A report attachment of a task in scope; NotFoundError otherwise (evidence is never public)."""
    attachment = (
        Attachment.objects.filter(task_scope_q(user=user, token=token, prefix="report__task__"), pk=attachment_id)
        .only("id", "file", "original_name", "content_type")
        .first()
    )
    if attachment is None:
        raise NotFoundError("附件不存在，或不在您的权限范围内。")
    return attachment


def extension_list_for_user(*, user: Any, token: Any = None) -> QuerySet[ExtensionRequest]:
    """Extension requests of tasks in scope."""
    return ExtensionRequest.objects.filter(task_scope_q(user=user, token=token, prefix="task__")).select_related(
        "task__department", "task__measure", "requested_by", "decided_by"
    )


# --- Progress aggregates ---


# Lights counted per progress row; finished/cancelled tasks have their own light and are not counted here.
COUNTED_LIGHTS = (Light.RED.value, Light.YELLOW.value, Light.GREEN.value)


def _aggregates() -> dict[str, Any]:
    """Conditional counts over tasks annotated by _progress_base; the lights come from _aggregate_rows."""
    out: dict[str, Any] = {"total": Count("id")}
    for status in TaskStatus:
        out[f"status_{status.value}"] = Count("id", filter=Q(status=status))
    out["overdue"] = Count("id", filter=Q(overdue=True))
    out["reports_missing"] = Count("id", filter=Q(report_missing=True))
    # On time = finished (Beijing date) by the original deadline: an extension does not make a task on time.
    out["finished_on_time"] = Count(
        "id",
        filter=Q(status=TaskStatus.FINISHED)
        & (Q(assessed_deadline__isnull=True) | Q(finished_on__lte=F("assessed_deadline"))),
    )
    return out


def _aggregate_rows(qs: QuerySet[Task], keys: Sequence[str], order_by: Sequence[str]) -> list[dict[str, Any]]:
    """One query: the _aggregates per `keys` (keys[0] an id) plus red/yellow/green counts, in `order_by` order.

    Why the light is a grouping key rather than three Count(filter=Q(light=…)): the light is a long CASE
    (序时进度 arithmetic on the assigned date), and each filtered Count repeats it, so the database evaluated
    it three times per task. Grouping by (keys, light) evaluates it once per task; the at most five rows per
    key (one per light) are summed here.
    """
    aggregates = _aggregates()
    merged: dict[Any, dict[str, Any]] = {}
    for row in qs.values(*keys, "light").annotate(**aggregates).order_by(*order_by):
        light = row.pop("light")
        key = row[keys[0]]  # the id; the other keys depend on it (and may be unhashable JSON)
        acc = merged.get(key)
        if acc is None:
            acc = merged[key] = {**row, **dict.fromkeys(COUNTED_LIGHTS, 0)}
        else:
            for name in aggregates:
                acc[name] += row[name]
        if light in COUNTED_LIGHTS:
            acc[light] += row["total"]
    return list(merged.values())


def _progress_base(
    *,
    user: Any,
    token: Any = None,
    today: dt.date | None = None,
    document_id: int | None = None,
    department_id: int | None = None,
    department_kind: str | None = None,
    deadline_after: dt.date | None = None,
    deadline_before: dt.date | None = None,
) -> QuerySet[Task]:
    today = today or local_today()
    qs = Task.objects.filter(task_scope_q(user=user, token=token))
    if document_id is not None:
        qs = qs.filter(measure__document_id=document_id)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if department_kind:
        qs = qs.filter(department__kind=department_kind)
    if deadline_after is not None:
        qs = qs.filter(deadline__gte=deadline_after)
    if deadline_before is not None:
        qs = qs.filter(deadline__lte=deadline_before)
    qs = annotate_light(qs, today)
    qs = annotate_report_missing(qs, today)
    return qs.annotate(
        overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
        assessed_deadline=Coalesce("original_deadline", "deadline"),
        finished_on=LocalDate("finished_at", tzinfo=timezone.get_default_timezone()),
    )


def _finish_row(row: dict[str, Any]) -> dict[str, Any]:
    """Turn flat aggregate columns into the API row: by_status dict and rates."""
    by_status = {s.value: row.pop(f"status_{s.value}") for s in TaskStatus}
    row["by_status"] = by_status
    finished = by_status[TaskStatus.FINISHED]
    countable = row["total"] - by_status[TaskStatus.CANCELLED]
    row["completion_rate"] = round(finished / countable, 4) if countable else None
    on_time = row.pop("finished_on_time")
    row["on_time_rate"] = round(on_time / finished, 4) if finished else None
    return row


def progress_by_department(**filters: Any) -> list[dict[str, Any]]:
    """One row per department with tasks in scope: counts per status, lights, overdue, rates. One query."""
    rows = _aggregate_rows(
        _progress_base(**filters),
        ("department_id", "department__name", "department__kind", "department__order"),
        ("department__order", "department__name"),
    )
    out = []
    for row in rows:
        dept = {
            "id": row.pop("department_id"),
            "name": row.pop("department__name"),
            "kind": row.pop("department__kind"),
        }
        row.pop("department__order")
        out.append({"department": dept, **_finish_row(row)})
    return out


def progress_department_detail(*, department_id: int, **filters: Any) -> dict[str, Any]:
    """One department's progress, by document and by measure (two queries)."""
    base = _progress_base(department_id=department_id, **filters)
    by_document = [
        {
            "document": {"id": r.pop("measure__document_id"), "title": r.pop("measure__document__title")},
            **_finish_row(r),
        }
        for r in _aggregate_rows(base, ("measure__document_id", "measure__document__title"), ("measure__document_id",))
    ]
    by_measure = [
        {
            "measure": {
                "id": r.pop("measure_id"),
                "title": r.pop("measure__title"),
                "path": r.pop("measure__path"),
                "document_id": r.pop("measure__document_id"),
            },
            **_finish_row(r),
        }
        for r in _aggregate_rows(
            base,
            ("measure_id", "measure__title", "measure__path", "measure__document_id", "measure__order"),
            ("measure__document_id", "measure__order"),
        )
    ]
    for r in by_measure:
        r.pop("measure__order", None)
    return {"by_document": by_document, "by_measure": by_measure}


def progress_document_detail(*, document_id: int, **filters: Any) -> dict[str, Any]:
    """One document's progress, by section (the measure's parent) and by measure (two queries)."""
    base = _progress_base(document_id=document_id, **filters)
    by_section = []
    for r in _aggregate_rows(
        base,
        ("measure__parent_id", "measure__parent__title", "measure__parent__path"),
        ("measure__parent__order", "measure__parent_id"),
    ):
        sid = r.pop("measure__parent_id")
        title = r.pop("measure__parent__title")
        path = r.pop("measure__parent__path")
        r.pop("measure__parent__order", None)
        section = {"id": sid, "title": title or "（无章节）", "path": path or []}
        by_section.append({"section": section, **_finish_row(r)})
    by_measure = []
    for r in _aggregate_rows(
        base,
        ("measure_id", "measure__title", "measure__path", "measure__parent_id"),
        ("measure__order", "measure_id"),
    ):
        by_measure.append(
            {
                "measure": {
                    "id": r.pop("measure_id"),
                    "title": r.pop("measure__title"),
                    "path": r.pop("measure__path"),
                    "section_id": r.pop("measure__parent_id"),
                },
                **_finish_row(r),
            }
        )
    return {"by_section": by_section, "by_measure": by_measure}


# --- Overdue and escalation ---


def overdue_tasks(*, user: Any, token: Any = None, today: dt.date | None = None) -> QuerySet[Task]:
    """Overdue tasks in scope, most days overdue first, each with its last report (one query)."""
    today = today or local_today()
    return task_list_for_user(user=user, token=token, today=today).filter(overdue_q(today)).order_by(
        "deadline", "department__order", "id"
    )


ESCALATION_LABELS = {"none": "未升级", "leader": "已报部门负责人", "supervisor": "已报督查室"}


def escalation_state_for(tasks: Sequence[Task]) -> dict[int, dict[str, Any]]:
    """Task id → {"level": "none|leader|supervisor", "last_reminded_at"} from the reminder log.

    The escalation rules live in the reminders app; this only reads what it has sent (one query).
    """
    if not apps.is_installed("reminders"):
        return {}
    from reminders.services import escalation_state_for as reminders_escalation_state

    return reminders_escalation_state([t.pk for t in tasks])


# --- Documents and measures ---


def document_list() -> QuerySet[PolicyDocument]:
    """Documents with their task and measure counts."""
    return PolicyDocument.objects.annotate(
        measure_count=count_of(
            Measure.objects.filter(document_id=OuterRef("pk"), kind=Measure.Kind.MEASURE), "document_id"
        ),
        task_count=count_of(Task.objects.filter(measure__document_id=OuterRef("pk")), "measure__document_id"),
    )


def measure_list() -> QuerySet[Measure]:
    """Measures and sections, with their document and targets."""
    return Measure.objects.select_related("document", "parent").prefetch_related("targets")


def target_list() -> QuerySet[Any]:
    """Targets with their latest reading (value and date) annotated."""
    from tasks.models import Target, TargetReading

    latest = TargetReading.objects.filter(target_id=OuterRef("pk")).order_by("-measured_on", "-id")
    return Target.objects.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_measured_on=Subquery(latest.values("measured_on")[:1]),
    )


# --- 承办人 and 分解下达 ---


def my_tasks_q(*, user: Any) -> Q:
    """Tasks where `user` is the 承办人 (Task.owner) or one of the assigned 主办/协办."""
    viewer_id = getattr(user, "pk", None) or 0
    return Q(owner_id=viewer_id) | Q(Exists(TaskAssignee.objects.filter(task_id=OuterRef("pk"), user_id=viewer_id)))


def my_open_tasks(*, user: Any, token: Any = None, today: dt.date | None = None) -> QuerySet[Task]:
    """我的待办: open tasks in scope where the user is 承办人, soonest deadline first (one query)."""
    return (
        task_list_for_user(user=user, token=token, today=today)
        .filter(my_tasks_q(user=user))
        .exclude(status__in=CLOSED_STATUSES)
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )


def handler_choices(*, task: Task) -> QuerySet[Any]:
    """People who may be made 承办人 of `task`: active members (with a role) of its department."""
    from accounts.models import User

    return User.objects.filter(department_id=task.department_id, is_active=True).exclude(dept_role="")


# Department.parent levels searched for units "below" a department (科室, 县直部门, 乡镇 …).
DEPARTMENT_DEPTH = 4


def decompose_department_choices(*, task: Task, user: Any, exclude_taken: bool = False) -> QuerySet[Any]:
    """Departments `user` may split `task` to: active units below the task's department (its 科室, or a
    county's departments and 乡镇), or — for 督查室 — any active department; never the task's own.

    `exclude_taken` also leaves out departments that already have a task on the measure (for form choices).
    """
    from departments.models import Department

    qs = Department.objects.filter(active=True).exclude(pk=task.department_id)
    if not is_supervisor(user):
        below = Q(parent_id=task.department_id)
        for depth in range(1, DEPARTMENT_DEPTH):
            below |= Q(**{"parent__" * depth + "parent_id": task.department_id})
        qs = qs.filter(below)
    if exclude_taken:
        qs = qs.exclude(pk__in=Task.objects.filter(measure_id=task.measure_id).values("department_id"))
    return qs.order_by("order", "name")


_LIGHT_RANK = {Light.RED.value: 3, Light.YELLOW.value: 2, Light.GREEN.value: 1}


def worst_light(lights: Sequence[str]) -> str | None:
    """The worst of open tasks' lights (红 > 黄 > 绿); None when there is none."""
    ranked = [light for light in lights if light in _LIGHT_RANK]
    return max(ranked, key=_LIGHT_RANK.__getitem__) if ranked else None


def subtask_rollup(task: Task, today: dt.date | None = None) -> dict[str, Any]:
    """The direct sub-tasks of `task` summed up (one query): counts, average percent, worst open light.

    Average: finished counts 100, cancelled is left out (as the lead-task roll-up). `light` is the worse of
    the task's own light and its open sub-tasks' worst one: a parent is never greener than its open parts.
    """
    children = annotate_light(Task.objects.filter(parent_id=task.pk), today)
    rows = list(children.values("status", "percent", "light"))  # type: ignore[misc]  # light is annotated
    open_rows = [r for r in rows if r["status"] not in CLOSED_STATUSES]
    counted = [100 if r["status"] == TaskStatus.FINISHED else r["percent"] for r in rows
               if r["status"] != TaskStatus.CANCELLED]
    children_light = worst_light([r["light"] for r in open_rows])
    own_light = getattr(task, "light", None)
    if task.status in CLOSED_STATUSES:
        combined = own_light
    else:
        combined = worst_light([x for x in (own_light, children_light) if x]) or own_light
    return {
        "total": len(rows),
        "open": len(open_rows),
        "finished": sum(1 for r in rows if r["status"] == TaskStatus.FINISHED),
        "cancelled": sum(1 for r in rows if r["status"] == TaskStatus.CANCELLED),
        "percent": round(sum(counted) / len(counted)) if counted else None,
        "worst_light": children_light,
        "light": combined,
    }


def subtask_tree(*, task: Task, user: Any, token: Any = None, today: dt.date | None = None) -> dict[str, Any]:
    """`task` and every sub-task below it that the user may see, nested (one query per level)."""
    today = today or local_today()

    def node(t: Task) -> dict[str, Any]:
        return {
            "id": t.pk,
            "department": {"id": t.department_id, "name": t.department.name},
            "role": t.role,
            "status": t.status,
            "status_display": t.get_status_display(),
            "percent": t.percent,
            "deadline": t.deadline.isoformat() if t.deadline else None,
            "light": getattr(t, "light", None),
            "owner": {"id": t.owner_id, "name": t.owner.display_name} if t.owner_id and t.owner else None,
            "children": [],
        }

    root = node(task)
    level = {task.pk: root}
    scope = task_scope_q(user=user, token=token)
    for _ in range(SUBTREE_DEPTH + 1):
        if not level:
            break
        children = annotate_light(
            Task.objects.filter(scope, parent_id__in=list(level)).select_related("department", "owner"), today
        ).order_by("deadline", "id")
        next_level: dict[int, dict[str, Any]] = {}
        for child in children:
            entry = node(child)
            level[child.parent_id]["children"].append(entry)  # type: ignore[index]
            next_level[child.pk] = entry
        level = next_level
    rollup = subtask_rollup(task, today)
    root["rollup"] = rollup
    return root


def department_open_task_count() -> Any:
    """Per department (OuterRef "pk"): its tasks not finished or cancelled, 0 when none; one subquery, no JOIN."""
    open_tasks = (
        Task.objects.filter(department_id=OuterRef("pk"))
        .exclude(status__in=CLOSED_STATUSES)
        .order_by()
        .values("department_id")
        .annotate(c=Count("*"))
        .values("c")
    )
    return Coalesce(Subquery(open_tasks, output_field=IntegerField()), 0)
