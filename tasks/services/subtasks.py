"""The open sub-task guard: a task with open sub-tasks cannot be submitted, nor approved without a reason.

Its own module because both the workflow services (申请办结, 审核办结) and the handling services (分解下达)
use it, and handling builds on workflow: keeping it here lets both import it without a circle.
"""

from __future__ import annotations

from typing import Any

from common.errors import ConflictError
from tasks.models import CLOSED_STATUSES, Task
from tasks.workflow import Action

from .audit import audit_record

__all__ = ["open_subtask_count", "subtasks_guard"]


def open_subtask_count(task: Task) -> int:
    """Direct sub-tasks of `task` not yet finished or cancelled."""
    return Task.objects.filter(parent_id=task.pk).exclude(status__in=CLOSED_STATUSES).count()


def subtasks_guard(*, task: Task, actor: Any, action: str, override_reason: str = "") -> None:
    """Refuse to submit or approve `task` while sub-tasks are open (ConflictError).

    For 审核办结 the reviewer may pass `override_reason`: the approval goes ahead and the reason is audited.
    Call inside the service's transaction, after check_transition.
    """
    count = open_subtask_count(task)
    if count == 0:
        return
    if action == Action.APPROVE:
        reason = (override_reason or "").strip()
        if reason:
            audit_record(
                actor=actor,
                action="task.subtasks_override",
                instance=task,
                after={"open_subtasks": count},
                note=f"尚有 {count} 项分解任务未办结，审核人说明：{reason}",
            )
            return
        raise ConflictError(
            f"尚有 {count} 项分解任务未办结，不能审核办结；确需办结的，请填写说明理由（override_reason）。",
            code="open_subtasks",
            extra={"open_subtasks": count},
        )
    raise ConflictError(
        f"尚有 {count} 项分解任务未办结，待分解任务全部办结（或取消）后方可申请办结。",
        code="open_subtasks",
        extra={"open_subtasks": count},
    )
