"""The one task state machine: which action moves a task from which statuses to which, and who may do it.

Every status rule lives in TRANSITIONS below; services call `check_transition()` before writing,
the API lists `allowed_actions()` per task, and docs/workflow.md is this table in prose.
Nothing here touches the database except `lead_department_id()`, `parent_department_id()` and
`is_assignee()` when the task was not annotated by the selector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import DeptRole
from accounts.roles import is_supervisor
from common.errors import ConflictError, PermissionDeniedError

from .models import Task, TaskAssignee, TaskRole, TaskStatus

S = TaskStatus


class Action:
    """Names of workflow actions (also the API action names)."""

    ACCEPT = "accept"
    DECLINE = "decline"
    START = "start"
    REPORT = "report"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    CANCEL = "cancel"
    REASSIGN = "reassign"
    EXTEND = "extend"
    EXTENSION_DECIDE = "extension_decide"
    SET_DEADLINE = "set_deadline"
    ASSIGN_HANDLERS = "assign_handlers"
    DECOMPOSE = "decompose"
    URGE = "urge"


ACTION_LABELS: dict[str, str] = {
    Action.ACCEPT: "签收",
    Action.DECLINE: "退回（非本单位职责）",
    Action.START: "开始办理",
    Action.REPORT: "报送进展",
    Action.SUBMIT: "申请办结",
    Action.APPROVE: "审核办结",
    Action.RETURN: "退回重办",
    Action.CANCEL: "取消",
    Action.REASSIGN: "改派",
    Action.EXTEND: "申请延期",
    Action.EXTENSION_DECIDE: "审批延期",
    Action.SET_DEADLINE: "调整完成时限",
    Action.ASSIGN_HANDLERS: "指派承办人",
    Action.DECOMPOSE: "分解下达",
    Action.URGE: "催办",
}


# --- Who: role checks (user, task) -> bool ---


def _member(user: Any, department_id: int | None) -> bool:
    return department_id is not None and getattr(user, "department_id", None) == department_id


def dept_member(user: Any, task: Task) -> bool:
    """Anyone of the task's department (承办人, 联络员, 负责人)."""
    return _member(user, task.department_id) and bool(getattr(user, "dept_role", ""))


def is_assignee(user: Any, task: Task) -> bool:
    """The user is the task's 承办人: its owner (主办) or any assigned 主办/协办 (TaskAssignee).

    Reads the selector's `viewer_is_assignee` annotation when it was computed for this user; one query otherwise.
    """
    if task.owner_id is not None and task.owner_id == getattr(user, "pk", None):
        return True
    if getattr(task, "viewer_id", None) == getattr(user, "pk", None) and hasattr(task, "viewer_is_assignee"):
        return bool(task.viewer_is_assignee)
    if task.pk is None or getattr(user, "pk", None) is None:
        return False
    return TaskAssignee.objects.filter(task_id=task.pk, user_id=user.pk).exists()


def dept_handler(user: Any, task: Task) -> bool:
    """The department's 联络员 or 负责人, or one of the task's 承办人 (主办 or 协办)."""
    if not _member(user, task.department_id):
        return False
    return user.dept_role in (DeptRole.LIAISON, DeptRole.LEADER) or is_assignee(user, task)


def dept_gatekeeper(user: Any, task: Task) -> bool:
    """The department's 联络员 or 负责人: they sign for receipt and send mis-assigned work back."""
    return _member(user, task.department_id) and user.dept_role in (DeptRole.LIAISON, DeptRole.LEADER)


def parent_department_id(task: Task) -> int | None:
    """The department of the task a sub-task was split from (None for a top-level task)."""
    if task.parent_id is None:
        return None
    if hasattr(task, "parent_department_id"):
        return task.parent_department_id
    return Task.objects.filter(pk=task.parent_id).values_list("department_id", flat=True).first()


def lead_department_id(task: Task) -> int | None:
    """The department leading the task's measure (uses the selector's annotation when present)."""
    if hasattr(task, "lead_department_id"):
        return task.lead_department_id
    return (
        Task.objects.filter(measure_id=task.measure_id, role=TaskRole.LEAD)
        .order_by("id")
        .values_list("department_id", flat=True)
        .first()
    )


def reviewer(user: Any, task: Task) -> bool:
    """Who approves or returns a completion: the lead department's 负责人 for a responsible task,
    a supervisor for a lead task (or for a responsible task whose measure has no lead task), and for a
    sub-task (分解) the 联络员/负责人 of the department that split it off, or a supervisor."""
    if task.parent_id is not None:
        parent_dept = parent_department_id(task)
        if is_supervisor(user):
            return True
        return _member(user, parent_dept) and user.dept_role in (DeptRole.LIAISON, DeptRole.LEADER)
    if task.role == TaskRole.LEAD:
        return is_supervisor(user)
    lead_dept = lead_department_id(task)
    if lead_dept is None or lead_dept == task.department_id:
        return is_supervisor(user)
    return _member(user, lead_dept) and user.dept_role == DeptRole.LEADER


def supervisor_only(user: Any, task: Task) -> bool:
    return is_supervisor(user)


def gatekeeper_or_supervisor(user: Any, task: Task) -> bool:
    """督查室, or the task department's 联络员/负责人 (they hand work on inside and below the department)."""
    return is_supervisor(user) or dept_gatekeeper(user, task)


def urger(user: Any, task: Task) -> bool:
    """催办: 督查室 on any task; the lead department's 负责人 on the other units' tasks of the measures it
    leads; the 联络员/负责人 of the department that split off a sub-task."""
    if is_supervisor(user):
        return True
    if not getattr(user, "department_id", None) or user.department_id == task.department_id:
        return False
    if task.parent_id is not None:
        return _member(user, parent_department_id(task)) and user.dept_role in (DeptRole.LIAISON, DeptRole.LEADER)
    if task.role == TaskRole.LEAD:
        return False
    return _member(user, lead_department_id(task)) and user.dept_role == DeptRole.LEADER


# --- The table ---


@dataclass(frozen=True)
class Transition:
    """One row of the state machine. `target` None: the action does not change the status."""

    sources: tuple[str, ...]
    target: str | None
    who: Callable[[Any, Task], bool]
    who_label: str


OPEN_WORK = (S.ACCEPTED, S.IN_PROGRESS, S.RETURNED)
NOT_CLOSED = (S.ASSIGNED, S.DECLINED, S.ACCEPTED, S.IN_PROGRESS, S.SUBMITTED, S.RETURNED)

TRANSITIONS: dict[str, Transition] = {
    Action.ACCEPT: Transition((S.ASSIGNED,), S.ACCEPTED, dept_gatekeeper, "本部门联络员、负责人"),
    Action.DECLINE: Transition((S.ASSIGNED, S.ACCEPTED), S.DECLINED, dept_gatekeeper, "本部门联络员、负责人"),
    Action.START: Transition((S.ACCEPTED,), S.IN_PROGRESS, dept_member, "本部门人员"),
    Action.REPORT: Transition((S.ASSIGNED, *OPEN_WORK), S.IN_PROGRESS, dept_member, "本部门人员"),
    Action.SUBMIT: Transition(OPEN_WORK, S.SUBMITTED, dept_handler, "本部门联络员、负责人或承办人"),
    Action.APPROVE: Transition(
        (S.SUBMITTED,), S.FINISHED, reviewer, "责任任务：牵头部门负责人；牵头任务：督查室"
    ),
    Action.RETURN: Transition(
        (S.SUBMITTED,), S.RETURNED, reviewer, "责任任务：牵头部门负责人；牵头任务：督查室"
    ),
    Action.CANCEL: Transition(NOT_CLOSED, S.CANCELLED, supervisor_only, "督查室"),
    Action.REASSIGN: Transition((S.DECLINED,), S.ASSIGNED, supervisor_only, "督查室"),
    Action.EXTEND: Transition((S.ASSIGNED, *OPEN_WORK), None, dept_handler, "本部门联络员、负责人或承办人"),
    Action.EXTENSION_DECIDE: Transition(
        (S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.SUBMITTED), None, supervisor_only, "督查室"
    ),
    Action.SET_DEADLINE: Transition(NOT_CLOSED, None, supervisor_only, "督查室"),
    Action.ASSIGN_HANDLERS: Transition(
        (S.ASSIGNED, *OPEN_WORK, S.SUBMITTED), None, dept_gatekeeper, "本部门联络员、负责人"
    ),
    Action.DECOMPOSE: Transition(
        (S.ACCEPTED, S.IN_PROGRESS, S.RETURNED), None, gatekeeper_or_supervisor, "本部门联络员、负责人或督查室"
    ),
    Action.URGE: Transition(
        (S.ASSIGNED, *OPEN_WORK), None, urger, "督查室、牵头部门负责人或分解下达的上级部门"
    ),
}


def status_label(status: str) -> str:
    try:
        return str(TaskStatus(status).label)
    except ValueError:
        return status


def check_transition(*, task: Task, action: str, user: Any) -> str:
    """Raise unless `user` may do `action` to `task` now; return the status the task moves to.

    Status first (409 with the Chinese reason), then role (403).
    """
    transition = TRANSITIONS[action]
    if task.status not in transition.sources:
        raise ConflictError(
            f"当前状态“{status_label(task.status)}”不能执行“{ACTION_LABELS[action]}”。",
            code="illegal_transition",
        )
    if not transition.who(user, task):
        raise PermissionDeniedError(
            f"您无权对该任务执行“{ACTION_LABELS[action]}”（仅限{transition.who_label}）。",
            code="not_allowed",
        )
    return transition.target or task.status


def allowed_actions(task: Task, user: Any) -> list[str]:
    """The actions `user` may do to `task` in its current status (no queries if the task is annotated)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if task.status in transition.sources and transition.who(user, task)
    ]
