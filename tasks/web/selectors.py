"""Reads the web pages need beyond tasks/selectors.py: dashboard counts and the document outline.

Built only on the shared selectors and rules (scope: tasks.selectors; light/overdue: tasks.lights),
so no rule is restated here. Counts are single aggregate queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Q, QuerySet

from common.dates import local_today
from departments.models import UnresolvedName
from tasks.import_selectors import pending_suggestions, unassigned_measures
from tasks.lights import due_soon_until, light_thresholds, overdue_q
from tasks.models import CLOSED_STATUSES, ExtensionRequest, Light, Measure, Target, TargetReading, Task, TaskStatus
from tasks.progress import target_completion
from tasks.selectors import extension_list_for_user, task_list_for_user

# Statuses a department is working on (签收后、办结前).
WORKING_STATUSES = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)


def _due_soon_q(today: dt.date) -> Q:
    """Open, not overdue, due within the yellow-light window (settings.DUBAN LIGHT_YELLOW_DAYS working days)."""
    return Q(deadline__gte=today, deadline__lte=due_soon_until(today)) & ~Q(status__in=CLOSED_STATUSES)


def dashboard_department(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """A department user's counts (one aggregate query) and open tasks (lazy queryset)."""
    today = today or local_today()
    qs = task_list_for_user(user=user, today=today)
    # The scope also holds partner departments' tasks of measures this department leads: they
    # count only as work to review, never as this department's own work.
    own = Q(department_id=user.department_id)
    counts = qs.aggregate(
        to_accept=Count("id", filter=own & Q(status=TaskStatus.ASSIGNED)),
        working=Count("id", filter=own & Q(status__in=WORKING_STATUSES)),
        submitted=Count("id", filter=own & Q(status=TaskStatus.SUBMITTED)),
        to_review=Count("id", filter=~own & Q(status=TaskStatus.SUBMITTED)),
        due_soon=Count("id", filter=own & _due_soon_q(today)),
        overdue=Count("id", filter=own & overdue_q(today)),
        reports_missing=Count("id", filter=own & Q(report_missing=True)),
        red=Count("id", filter=own & Q(light=Light.RED)),
        yellow=Count("id", filter=own & Q(light=Light.YELLOW)),
    )
    open_tasks = (
        qs.filter(own | Q(status=TaskStatus.SUBMITTED))
        .exclude(status__in=CLOSED_STATUSES)
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )
    return {"counts": counts, "open_tasks": open_tasks, "due_soon_days": light_thresholds()[0]}


def dashboard_supervisor(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """督查室 totals and the worst overdue tasks (one aggregate query + four counts + top 10)."""
    today = today or local_today()
    qs = task_list_for_user(user=user, today=today)
    counts = qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(status__in=CLOSED_STATUSES)),
        finished=Count("id", filter=Q(status=TaskStatus.FINISHED)),
        to_accept=Count("id", filter=Q(status=TaskStatus.ASSIGNED)),
        declined=Count("id", filter=Q(status=TaskStatus.DECLINED)),
        submitted=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
        red=Count("id", filter=Q(light=Light.RED)),
        yellow=Count("id", filter=Q(light=Light.YELLOW)),
        green=Count("id", filter=Q(light=Light.GREEN)),
        overdue=Count("id", filter=overdue_q(today)),
        reports_missing=Count("id", filter=Q(report_missing=True)),
    )
    counts["unresolved_names"] = UnresolvedName.objects.filter(status=UnresolvedName.Status.OPEN).count()
    counts["unassigned_measures"] = unassigned_measures().count()
    counts["pending_suggestions"] = pending_suggestions().count()
    pending_extensions = (
        extension_list_for_user(user=user).filter(status=ExtensionRequest.Status.PENDING).order_by("created_at")
    )
    counts["pending_extensions"] = pending_extensions.count()
    overdue_top = qs.filter(overdue_q(today)).order_by("deadline", "department__order", "id")[:10]
    return {"counts": counts, "overdue_top": overdue_top, "pending_extensions": pending_extensions[:10]}


# --- Document outline ---


@dataclass
class OutlineNode:
    """A section or measure with its children and (for measures) its tasks."""

    measure: Measure
    children: list[OutlineNode] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


def document_outline(*, document_id: int, user: Any, today: dt.date | None = None) -> list[OutlineNode]:
    """The outline tree of a document. Tasks outside the user's scope are listed by department only
    (`in_scope` False, no light): who does what is public in the 任务分解表, the progress is not.

    Three queries: measures (+ targets prefetch), all tasks of the document, visible ones with lights.
    """
    measures = list(
        Measure.objects.filter(document_id=document_id).prefetch_related("targets").order_by("order", "id")
    )
    all_tasks = list(
        Task.objects.filter(measure__document_id=document_id)
        .select_related("department")
        .order_by("role", "department__order", "id")
    )
    visible = dict(
        task_list_for_user(user=user, today=today)  # type: ignore[misc]
        .filter(measure__document_id=document_id)
        .values_list("pk", "light")
    )
    nodes = {m.pk: OutlineNode(m) for m in measures}
    for t in all_tasks:
        t.in_scope = t.pk in visible  # type: ignore[attr-defined]
        t.light = visible.get(t.pk, "")  # type: ignore[attr-defined]
        if t.measure_id in nodes:
            nodes[t.measure_id].tasks.append(t)
    roots: list[OutlineNode] = []
    for m in measures:
        node = nodes[m.pk]
        parent = nodes.get(m.parent_id) if m.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def notifications_available() -> bool:
    """True when the reminders app (in-app notifications) is installed."""
    return apps.is_installed("reminders")


def notification_list(*, user: Any) -> QuerySet[Any]:
    """The user's own in-app notifications, newest first (reminders app)."""
    from reminders.models import Notification

    return Notification.objects.filter(user=user).select_related("task__measure", "task__department")


def unread_notification_count(*, user: Any) -> int:
    """How many of the user's notifications are unread (0 when not logged in)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return notification_list(user=user).filter(read_at__isnull=True).count()


def targets_with_latest_reading(*, measure_id: int) -> list[Target]:
    """A measure's targets, each with `latest` (its newest reading or None) and `completion` (two queries)."""
    targets = list(Target.objects.filter(measure_id=measure_id))
    latest: dict[int, TargetReading] = {}
    for reading in TargetReading.objects.filter(target__measure_id=measure_id).order_by("-measured_on", "-id"):
        latest.setdefault(reading.target_id, reading)
    for target in targets:
        newest = latest.get(target.pk)
        target.latest = newest  # type: ignore[attr-defined]
        target.completion = (  # type: ignore[attr-defined]
            target_completion(comparator=target.comparator, target=target.value, actual=newest.value)
            if newest is not None
            else None
        )
    return targets


def may_urge_some(*, user: Any) -> bool:
    """Whether the 批量催办 form is worth showing: 督查室, or a 负责人 whose department leads a measure."""
    from accounts.models import DeptRole
    from tasks.models import TaskRole
    from tasks.workflow import is_supervisor

    if is_supervisor(user):
        return True
    if getattr(user, "dept_role", "") not in (DeptRole.LEADER, DeptRole.LIAISON) or not user.department_id:
        return False
    return Task.objects.filter(department_id=user.department_id, role=TaskRole.LEAD).exists() or Task.objects.filter(
        parent__department_id=user.department_id
    ).exists()
