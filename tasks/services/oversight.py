"""督查室 oversight writes: changing a deadline directly (调整完成时限) and pressing a unit (催办).

Same contract as tasks/services/workflow.py: keyword-only, one transaction, check_transition first
(409 status, 403 role), audited, and the people concerned are told through notify_event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.dates import local_today
from common.errors import ConflictError, DomainError, PermissionDeniedError
from tasks.models import CLOSED_STATUSES, Task, Urge
from tasks.workflow import Action, check_transition

from .audit import audit_record, snapshot
from .notify import department_leaders, last_task_event, notify_event, task_handlers
from .workflow import _lock, _require_text, _save

URGE_MESSAGE_MAX = 500
BULK_URGE_MAX = 500


# --- 调整完成时限 ---


@transaction.atomic
def task_set_deadline(
    *, task_id: int, actor: Any, deadline: dt.date, reason: str, expected_version: int | None = None
) -> Task:
    """督查室 moves a deadline directly, with a reason (e.g. an overdue unit asked by phone for two weeks).

    The first change keeps the old date in `original_deadline`: on-time metrics (考核) use it.
    A sub-task may not end after its parent; a parent may not end before its open sub-tasks.
    """
    reason = _require_text(reason, "调整完成时限必须说明理由。")
    task = _lock(task_id, expected_version)
    check_transition(task=task, action=Action.SET_DEADLINE, user=actor)
    if deadline == task.deadline:
        raise DomainError("新的完成时限与当前完成时限相同。", code="deadline_unchanged")
    if deadline < local_today():
        raise DomainError("新的完成时限不能早于今天。", code="deadline_past")
    if task.parent_id is not None:
        parent_deadline = Task.objects.filter(pk=task.parent_id).values_list("deadline", flat=True).first()
        if parent_deadline is not None and deadline > parent_deadline:
            raise ConflictError(
                f"分解任务的完成时限不能晚于上级任务（{parent_deadline:%Y年%m月%d日}）。", code="deadline_after_parent"
            )
    later_children = (
        Task.objects.filter(parent_id=task.pk, deadline__gt=deadline).exclude(status__in=list(CLOSED_STATUSES)).count()
    )
    if later_children:
        raise ConflictError(
            f"有 {later_children} 项未办结的分解任务时限晚于新时限，请先调整分解任务。", code="children_later"
        )
    changes: dict[str, Any] = {"deadline": deadline, "deadline_is_default": False}
    if task.original_deadline is None:
        changes["original_deadline"] = task.deadline
    _save(task, actor=actor, action="task.set_deadline", changes=changes, note=reason)
    event = last_task_event(task)
    notify_event(event=event, kind="deadline_changed", user_ids=task_handlers(task))
    return task


# --- 催办 ---


def _check_message(message: str) -> str:
    message = _require_text(message, "请填写催办内容。")
    if len(message) > URGE_MESSAGE_MAX:
        raise DomainError(f"催办内容不能超过 {URGE_MESSAGE_MAX} 字。", code="message_too_long")
    return message


def _urge_one(task: Task, *, actor: Any, message: str, batch: str) -> Urge:
    """Record and announce one 催办 (the caller checked the workflow and the day's duplicates)."""
    urge = Urge.objects.create(task=task, actor=actor, message=message, batch=batch)
    event = audit_record(
        actor=actor, action="task.urge", instance=urge, task=task,
        after=snapshot(urge, ("task", "batch")), note=message,
    )
    notify_event(event=event, kind="urged", user_ids=_urge_recipients(task))
    return urge


def _urge_recipients(task: Task) -> list[int]:
    """The task's 承办人/联络员 and its department's 负责人: a 催办 is meant to reach the leadership."""
    return list(dict.fromkeys([*task_handlers(task), *department_leaders(task.department_id)]))


def _urged_today(task_ids: Iterable[int], actor: Any) -> set[int]:
    start = timezone.make_aware(dt.datetime.combine(local_today(), dt.time.min))
    return set(
        Urge.objects.filter(task_id__in=list(task_ids), actor=actor, created_at__gte=start).values_list(
            "task_id", flat=True
        )
    )


@transaction.atomic
def task_urge(*, task_id: int, actor: Any, message: str) -> Urge:
    """催办 one task: recorded on the task (counted for 考核) and sent to its 承办人, 联络员 and 负责人.

    Not a change of the task (no version bump): the department's open forms stay valid.
    The same person urges the same task at most once a day.
    """
    message = _check_message(message)
    task = _lock(task_id, None)
    check_transition(task=task, action=Action.URGE, user=actor)
    if _urged_today([task.pk], actor):
        raise ConflictError("您今天已催办过该任务。", code="urged_today")
    return _urge_one(task, actor=actor, message=message, batch="")


@dataclass
class BulkUrgeResult:
    batch: str
    urged: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def tasks_urge_bulk(*, actor: Any, tasks: Iterable[Task], message: str) -> BulkUrgeResult:
    """催办 a set of tasks (e.g. all red tasks of a department) with one message, as one batch.

    `tasks` are already limited to what the actor may see; each is still checked against the
    workflow, and the ones that cannot be urged now are skipped with the reason.
    """
    message = _check_message(message)
    chosen = list(tasks)
    if not chosen:
        raise DomainError("没有符合条件的任务。", code="no_tasks")
    if len(chosen) > BULK_URGE_MAX:
        raise DomainError(f"一次最多催办 {BULK_URGE_MAX} 项任务，请缩小筛选范围。", code="too_many")
    result = BulkUrgeResult(batch=uuid.uuid4().hex)
    already = _urged_today([t.pk for t in chosen], actor)
    for task in chosen:
        if task.pk in already:
            result.skipped[task.pk] = "今天已催办过"
            continue
        try:
            check_transition(task=task, action=Action.URGE, user=actor)
        except (ConflictError, PermissionDeniedError) as exc:
            result.skipped[task.pk] = exc.message
            continue
        _urge_one(task, actor=actor, message=message, batch=result.batch)
        result.urged.append(task.pk)
    return result
