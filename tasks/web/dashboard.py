"""Reads of the 驾驶舱 (cockpit) and the 挂图作战 grid: pure aggregates over the user's scope.

Scope is always tasks.selectors.task_list_for_user / task_scope_q (督查室: everything; a 负责人: the
department's tasks, the measures it leads, the tasks split off from its own); the light, overdue and
on-time rules are tasks.lights / tasks.selectors', never restated. The number of queries does not
depend on how many departments, documents, measures or tasks there are:

- cockpit_data: 2 queries (one grouped count of tasks by department × document × light, one of the
  light snapshots by month);
- battle_map: 3 queries (measures, tasks with their live light, their snapshots).

The click targets are links into the task list (/tasks/ with TaskFilterForm's parameter names), or,
for a past month's red lights, into the month's list (cockpit_red_month).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from common.dates import local_today
from tasks.lights import LocalDate
from tasks.models import Light, LightSnapshot, Measure, TaskRole, TaskStatus
from tasks.selectors import task_list_for_user, task_scope_q
from tasks.workflow import is_supervisor

LIGHT_LABELS = dict(Light.choices)
# Stacking order of the department chart (bottom → top) and the colours the CSS and cockpit.js share.
STACK = (Light.RED.value, Light.YELLOW.value, Light.GREEN.value, Light.NONE.value, Light.FINISHED.value)
MONTHS_SHOWN = 12  # red lights per month: this month and the 11 before
TOP_OVERDUE = 10
GRID_MAX_MONTHS = 36


# --- Months ---


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    k = month.year * 12 + month.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months from `first` to `last` inclusive (0 when last < first)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def period_of(month: dt.date) -> str:
    """The monthly LightSnapshot period key (tasks.progress.period_key for a monthly cycle)."""
    return f"{month.year}-{month.month:02d}"


def parse_period(period: str) -> dt.date | None:
    """'2026-03' → 2026-03-01; None when it is not a month."""
    try:
        year, month = period.split("-")
        return dt.date(int(year), int(month), 1) if len(year) == 4 and len(month) == 2 else None
    except ValueError:
        return None


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


# --- Links into the task list ---


def task_list_url(**params: Any) -> str:
    """/tasks/?… with TaskFilterForm's parameter names (department, document, light, status, overdue)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    base = reverse("web:task_list")
    return f"{base}?{urlencode(clean)}" if clean else base


def _rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# --- 驾驶舱 ---


def _grouped_counts(*, user: Any, today: dt.date) -> list[dict[str, Any]]:
    """One query: per (department, document, light) the task count, overdue count, on-time finished count
    and percent sum. The light is a grouping key so its long CASE is evaluated once per task."""
    qs = task_list_for_user(user=user, today=today).annotate(
        assessed_deadline=Coalesce("original_deadline", "deadline"),
        finished_on=LocalDate("finished_at", tzinfo=timezone.get_default_timezone()),
    )
    on_time = Q(status=TaskStatus.FINISHED) & (
        Q(assessed_deadline__isnull=True) | Q(finished_on__lte=F("assessed_deadline"))
    )
    return list(
        qs.values(
            "department_id", "department__name", "department__order",
            "measure__document_id", "measure__document__title", "light",
        )
        .annotate(
            n=Count("id"),
            overdue_n=Count("id", filter=Q(overdue=True)),
            on_time_n=Count("id", filter=on_time),
            percent_sum=Sum("percent"),
        )
        .order_by()
    )


def _red_by_month(*, user: Any, months: list[dt.date]) -> dict[str, dict[str, int]]:
    """period → {"red": n, "recorded": n} from the month-end light snapshots in scope (one query)."""
    rows = (
        LightSnapshot.objects.filter(task_scope_q(user=user, prefix="task__"))
        .filter(period__in=[period_of(m) for m in months])
        .values("period")
        .annotate(red=Count("id", filter=Q(light=Light.RED)), recorded=Count("id"))
        .order_by()
    )
    return {r["period"]: {"red": r["red"], "recorded": r["recorded"]} for r in rows}


def cockpit_data(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the 驾驶舱 shows, JSON-ready: KPIs, lights by department, red lights per month,
    progress by document, the departments with most overdue tasks — each item with its `url`.

    Rates (percent, one decimal; None when undefined):
    办结率 = 已办结 ÷ (任务数 − 已取消); 按时办结率 = 在原定时限(延期不改变)当日或之前办结的 ÷ 已办结;
    逾期率 = 当前逾期(未办结且已过完成时限) ÷ (任务数 − 已取消).
    """
    today = today or local_today()
    rows = _grouped_counts(user=user, today=today)

    departments: dict[int, dict[str, Any]] = {}
    documents: dict[int, dict[str, Any]] = {}
    kpi: dict[str, Any] = {"total": 0, "cancelled": 0, "finished": 0, "on_time": 0, "overdue": 0, "red": 0, "yellow": 0}
    for r in rows:
        light, n = r["light"], r["n"]
        dept = departments.setdefault(r["department_id"], {
            "id": r["department_id"], "name": r["department__name"], "order": r["department__order"],
            "total": 0, "overdue": 0, **dict.fromkeys(STACK, 0),
        })
        doc = documents.setdefault(r["measure__document_id"], {
            "id": r["measure__document_id"], "title": r["measure__document__title"],
            "total": 0, "cancelled": 0, "finished": 0, "percent_sum": 0,
        })
        kpi["total"] += n
        dept["total"] += n
        doc["total"] += n
        kpi["overdue"] += r["overdue_n"]
        dept["overdue"] += r["overdue_n"]
        kpi["on_time"] += r["on_time_n"]
        if light == Light.CANCELLED:
            kpi["cancelled"] += n
            doc["cancelled"] += n
            continue
        if light in dept:
            dept[light] += n
        if light in (Light.RED, Light.YELLOW):
            kpi[light] += n
        if light == Light.FINISHED:
            kpi["finished"] += n
            doc["finished"] += n
            doc["percent_sum"] += 100 * n  # a finished task counts 100 %, whatever it last reported
        else:
            doc["percent_sum"] += r["percent_sum"] or 0

    countable = kpi["total"] - kpi["cancelled"]
    kpi.update(
        countable=countable,
        open=countable - kpi["finished"],
        completion_rate=_rate(kpi["finished"], countable),
        on_time_rate=_rate(kpi["on_time"], kpi["finished"]),
        overdue_rate=_rate(kpi["overdue"], countable),
        urls={
            "total": task_list_url(),
            "finished": task_list_url(status=TaskStatus.FINISHED),
            "overdue": task_list_url(overdue="1"),
            "red": task_list_url(light=Light.RED),
            "yellow": task_list_url(light=Light.YELLOW),
        },
    )

    dept_rows = sorted(departments.values(), key=lambda d: (d["order"], d["name"], d["id"]))
    for d in dept_rows:
        d.pop("order")
        d["url"] = task_list_url(department=d["id"])
        d["urls"] = {light: task_list_url(department=d["id"], light=light) for light in STACK}

    doc_rows = sorted(documents.values(), key=lambda d: d["id"])
    for d in doc_rows:
        countable_doc = d["total"] - d["cancelled"]
        d["completion_rate"] = _rate(d["finished"], countable_doc)
        d["avg_percent"] = round(d.pop("percent_sum") / countable_doc, 1) if countable_doc else None
        d["url"] = task_list_url(document=d["id"])

    overdue_rows = sorted((d for d in dept_rows if d["overdue"]), key=lambda d: (-d["overdue"], d["name"]))
    # 督查室 goes to the overdue board (filters, 催办所选, export); a leader to the task list.
    overdue_url = (
        (lambda dept_id: f"{reverse('web:overdue')}?{urlencode({'department': dept_id})}")
        if is_supervisor(user)
        else (lambda dept_id: task_list_url(department=dept_id, overdue="1"))
    )
    top_overdue = [
        {"id": d["id"], "name": d["name"], "overdue": d["overdue"], "url": overdue_url(d["id"])}
        for d in overdue_rows[:TOP_OVERDUE]
    ]

    this_month = month_start(today)
    months = [add_months(this_month, -k) for k in range(MONTHS_SHOWN - 1, -1, -1)]
    history = _red_by_month(user=user, months=months[:-1])
    month_rows = []
    for m in months[:-1]:
        rec = history.get(period_of(m))
        month_rows.append({
            "period": period_of(m), "label": month_label(m), "live": False,
            "red": rec["red"] if rec else None,  # None: no snapshot taken that month (before the history began)
            "url": reverse("web:cockpit_red_month", args=[period_of(m)]),
        })
    month_rows.append({
        "period": period_of(this_month), "label": f"{month_label(this_month)}（当前）", "live": True,
        "red": kpi["red"], "url": task_list_url(light=Light.RED),
    })

    return {
        "today": today.isoformat(),
        "kpi": kpi,
        "departments": dept_rows,
        "documents": doc_rows,
        "overdue_departments": top_overdue,
        "months": month_rows,
        "lights": [{"key": light, "label": LIGHT_LABELS[light]} for light in STACK],
    }


def red_tasks_of_month(*, user: Any, period: str) -> list[LightSnapshot]:
    """The tasks in scope whose month-end light for `period` was red, with task, department, measure (one query)."""
    return list(
        LightSnapshot.objects.filter(task_scope_q(user=user, prefix="task__"), period=period, light=Light.RED)
        .select_related("task__department", "task__measure__document")
        .order_by("task__department__order", "task__department__name", "task__measure__document_id",
                  "task__measure__order", "task_id")
    )


# --- 挂图作战 ---


@dataclass
class GridTask:
    """One task's row of the grid: department, role, deadline and one cell per month."""

    id: int
    department: str
    role: str
    role_label: str
    status_label: str
    deadline: dt.date | None
    original_deadline: dt.date | None
    light: str
    cells: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GridMeasure:
    measure: Measure
    tasks: list[GridTask] = field(default_factory=list)

    @property
    def rowspan(self) -> int:
        return max(1, len(self.tasks))


_ROLE_ORDER = {TaskRole.LEAD.value: 0, TaskRole.RESPONSIBLE.value: 1, TaskRole.SUB.value: 2}


def _grid_window(first: dt.date, last: dt.date, this_month: dt.date) -> tuple[dt.date, dt.date, bool]:
    """The months shown: first..last, or — when that is more than GRID_MAX_MONTHS — the GRID_MAX_MONTHS
    around this month (a year back, the rest ahead), kept inside first..last."""
    if months_between(first, last) <= GRID_MAX_MONTHS:
        return first, last, False
    start = max(first, add_months(this_month, -11))
    end = add_months(start, GRID_MAX_MONTHS - 1)
    if end > last:
        end = last
        start = add_months(end, -(GRID_MAX_MONTHS - 1))
    return start, end, True


def _cell(*, month: dt.date, this_month: dt.date, assigned: dt.date, snapshots: dict[str, str],
          live: str, deadline: dt.date | None, original: dt.date | None) -> dict[str, Any]:
    """One task × month: its light that month (history, or live for this month), blank before the
    assignment and in the future; `deadline` marks the deadline month, `original` the original one."""
    if month < assigned:
        state, light = "before", ""
    elif month < this_month:
        light = snapshots.get(period_of(month), "")
        state = "past" if light else "unrecorded"
    elif month == this_month:
        state, light = "current", live
    else:
        state, light = "future", ""
    is_deadline = deadline is not None and month_start(deadline) == month
    is_original = original is not None and original != deadline and month_start(original) == month
    return {
        "month": month, "state": state, "light": light, "label": LIGHT_LABELS.get(light, ""),
        "deadline": is_deadline, "original_deadline": is_original,
    }


def battle_map(*, document_id: int, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """挂图作战: the document's measures (outline order) × months, each task in scope a row of cells.

    Months run from the earliest assignment to the latest deadline (at most GRID_MAX_MONTHS). A past
    month shows the task's month-end LightSnapshot, this month its live light; months before the
    assignment and after this month are blank. 督查室 sees every measure (also those without tasks);
    departments see the measures where they have a task. Three queries.
    """
    today = today or local_today()
    this_month = month_start(today)
    tz = timezone.get_default_timezone()
    measures = list(
        Measure.objects.filter(document_id=document_id, kind=Measure.Kind.MEASURE).order_by("order", "id")
    )
    tasks = list(
        task_list_for_user(user=user, today=today)
        .filter(measure__document_id=document_id)
        .values("id", "measure_id", "role", "status", "deadline", "original_deadline", "assigned_at",  # type: ignore[misc]
                "department__name", "department__order", "light")  # light: annotated by task_list_for_user
        .order_by("measure_id", "department__order", "id")
    )
    snapshots: dict[int, dict[str, str]] = {}
    for task_id, period, light in (
        LightSnapshot.objects.filter(task_scope_q(user=user, prefix="task__"), task__measure__document_id=document_id)
        .values_list("task_id", "period", "light")
    ):
        snapshots.setdefault(task_id, {})[period] = light

    # The window: earliest assignment to latest deadline (this month when nothing is later).
    assigned = {t["id"]: month_start(timezone.localtime(t["assigned_at"], tz).date()) for t in tasks}
    months: list[dt.date] = []
    truncated = False
    if tasks:
        first = min(assigned.values())
        last = max([month_start(t["deadline"]) for t in tasks if t["deadline"]] + [this_month, first])
        start, end, truncated = _grid_window(first, last, this_month)
        months = [add_months(start, k) for k in range(months_between(start, end))]

    roles = dict(TaskRole.choices)
    statuses = dict(TaskStatus.choices)
    by_measure: dict[int, list[GridTask]] = {}
    for t in sorted(tasks, key=lambda t: (_ROLE_ORDER.get(t["role"], 9), t["department__order"], t["id"])):
        row = GridTask(
            id=t["id"], department=t["department__name"], role=t["role"], role_label=roles.get(t["role"], t["role"]),
            status_label=statuses.get(t["status"], t["status"]), deadline=t["deadline"],
            original_deadline=t["original_deadline"], light=t["light"],
        )
        row.cells = [
            _cell(month=m, this_month=this_month, assigned=assigned[t["id"]], snapshots=snapshots.get(t["id"], {}),
                  live=t["light"], deadline=t["deadline"], original=t["original_deadline"])
            for m in months
        ]
        by_measure.setdefault(t["measure_id"], []).append(row)

    everyone = is_supervisor(user)
    rows = [GridMeasure(m, by_measure.get(m.pk, [])) for m in measures if everyone or m.pk in by_measure]
    return {
        "months": [{"month": m, "label": f"{m.month}月", "year": m.year, "current": m == this_month,
                    "period": period_of(m)} for m in months],
        "rows": rows,
        "truncated": truncated,
        "task_count": len(tasks),
        "today": today,
    }
