"""Telling people about tasks: the 交办 sweep trigger, workflow-event notices, and who to tell.

- `tasks_assigned()` asks for an extra reminder sweep after commit (the 交办 notices are planned by
  reminders/services.py, which also runs every 15 minutes).
- `notify_event()` is the one call a service makes, inside its transaction right after its AuditEvent,
  to tell people about a workflow event (退回重办, 审核通过, 延期审批, 待您审核, 改派, 指派, 催办 …).
- The recipient helpers (`task_handlers`, `task_reviewers`, `supervisors`, `department_gatekeepers`)
  return user ids; they are the stable names other services use to address a notice.

tasks never imports reminders: both calls send a signal (tasks/signals.py) that reminders receives
(reminders/receivers.py). Nothing happens without the reminders app; without a broker the in-process
loop delivers within a minute, and a broker that is down is logged and ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accounts.models import DeptRole, User
from tasks.models import AuditEvent, Task, TaskAssignee, TaskRole
from tasks.signals import tasks_were_assigned, workflow_event
from tasks.workflow import lead_department_id, parent_department_id


def tasks_assigned() -> None:
    """After commit, ask for a reminder sweep (idempotent: a sweep never sends anything twice).

    Sent as tasks.signals.tasks_were_assigned; reminders/receivers.py enqueues the sweep on commit."""
    tasks_were_assigned.send(sender=Task)


def notify_event(*, event: Any, kind: str, user_ids: Iterable[int]) -> None:
    """Tell people that a workflow event concerns them (退回重办, 审核通过, 延期审批, 待您审核, 指派, 催办 …).

    Call inside the service's transaction, right after its AuditEvent: the notices are written in
    that same transaction (so they exist exactly when the change does) and delivered after commit
    by reminders (reminders/events.py), on each person's channels and preferences. The actor is
    never told about their own action; inactive users are skipped.
    """
    if event is None:
        return
    # tasks.signals.workflow_event: reminders/receivers.py records the notices (reminders.events.record_event).
    workflow_event.send(sender=Task, event=event, kind=kind, user_ids=list(dict.fromkeys(user_ids)))


def last_task_event(task: Task) -> AuditEvent | None:
    """The task's newest AuditEvent (the one `_save` just wrote; the task row is locked by the caller)."""
    return AuditEvent.objects.filter(task_id=task.pk).order_by("-id").first()


# --- Recipients (user ids, active users only, no duplicates) ---


def _active(ids: Iterable[int | None]) -> list[int]:
    wanted = [i for i in dict.fromkeys(ids) if i is not None]
    if not wanted:
        return []
    active = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    return [i for i in wanted if i in active]


def _members(department_id: int | None, *roles: str) -> list[int]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(department_id=department_id, dept_role__in=roles, is_active=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )


def supervisors() -> list[int]:
    """督查室: every active supervisor."""
    return list(User.objects.filter(is_supervisor=True, is_active=True).order_by("id").values_list("pk", flat=True))


def department_gatekeepers(department_id: int | None) -> list[int]:
    """A department's 联络员 and 负责人."""
    return _members(department_id, DeptRole.LIAISON, DeptRole.LEADER)


def department_leaders(department_id: int | None) -> list[int]:
    """A department's 负责人."""
    return _members(department_id, DeptRole.LEADER)


def task_handlers(task: Task) -> list[int]:
    """Who does the work: the 承办人 (owner and TaskAssignee 主办/协办) and the department's 联络员;
    the department's 负责人 when there is nobody else."""
    assignees = TaskAssignee.objects.filter(task_id=task.pk).order_by("kind", "id").values_list("user_id", flat=True)
    people = _active([task.owner_id, *assignees])
    ids = list(dict.fromkeys([*people, *_members(task.department_id, DeptRole.LIAISON)]))
    return ids or department_leaders(task.department_id)


def task_reviewers(task: Task) -> list[int]:
    """Who may approve or return the task's completion (tasks.workflow.reviewer): for a sub-task the
    联络员/负责人 of the department that split it off; for a lead task 督查室; for a responsible task the
    lead department's 负责人 (督查室 when the measure has no other lead department). Falls back to 督查室
    when the reviewing department has nobody active."""
    if task.parent_id is not None:
        return department_gatekeepers(parent_department_id(task)) or supervisors()
    if task.role == TaskRole.LEAD:
        return supervisors()
    lead = lead_department_id(task)
    if lead is None or lead == task.department_id:
        return supervisors()
    return department_leaders(lead) or supervisors()
