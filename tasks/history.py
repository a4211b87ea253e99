"""A task's history (操作记录) as people read it: the audit trail with Chinese labels.

The one place that turns AuditEvent rows into lines for the task page and the API. Every audit
action a service writes has a label here (tests/tasks/test_history.py checks the sources), and a
line never assumes what `before`/`after` hold: an extension's status (`pending`) is not a task status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasks.models import AuditEvent, ExtensionRequest, Task, TaskStatus

AUDIT_LABELS: dict[str, str] = {
    # Workflow (tasks/services/workflow.py)
    "task.accept": "签收",
    "task.decline": "退回（非本单位职责）",
    "task.start": "开始办理",
    "task.report": "报送进展",
    "task.submit": "申请办结",
    "task.approve": "审核办结",
    "task.return": "退回重办",
    "task.cancel": "取消",
    "task.reassign": "改派",
    "task.extension_requested": "申请延期",
    "task.extension_approved": "批准延期",
    "task.extension_refused": "不批准延期",
    "extension.create": "提交延期申请",
    "extension.approve": "批准延期申请",
    "extension.refuse": "不批准延期申请",
    # Oversight (tasks/services/oversight.py)
    "task.set_deadline": "调整完成时限",
    "task.urge": "催办",
    # Inside the department (tasks/services/handling.py)
    "task.assign_handlers": "指派承办人",
    "task.decompose": "分解下达",
    "task_create_sub": "交办（分解下达）",
    "task.subtasks_override": "分解任务未办结时审核办结（说明理由）",
    # Imports (tasks/services/imports.py)
    "task_create": "交办",
    "task_create_mapped": "交办（名称对应后）",
    "task_create_confirmed": "交办（确认默认分工）",
    "task_create_manual": "交办（督查室分配）",
    "task_role_lead": "改为牵头",
    "task_cancel": "取消（文件新版本不再分配）",
    "task_carry_over": "转入文件新版本",
    "target_reading.create": "填报目标完成值",
}

EXTENSION_STATUS_LABELS = dict(ExtensionRequest.Status.choices)
TASK_STATUS_LABELS = dict(TaskStatus.choices)


def _status_change(event: AuditEvent) -> str:
    before, after = event.before.get("status"), event.after.get("status")
    if not before or not after or before == after:
        return ""
    labels = EXTENSION_STATUS_LABELS if event.object_type == "extensionrequest" else TASK_STATUS_LABELS
    return f"{labels.get(before, before)} → {labels.get(after, after)}"


def _date_text(value: Any) -> str:
    if not value:
        return "无"
    try:
        return f"{dt.date.fromisoformat(str(value)):%Y年%m月%d日}"
    except ValueError:
        return str(value)


def _deadline_change(event: AuditEvent) -> str:
    if "deadline" not in event.before or "deadline" not in event.after:
        return ""
    before, after = event.before.get("deadline"), event.after.get("deadline")
    if before == after:
        return ""
    return f"完成时限 {_date_text(before)} → {_date_text(after)}"


def history_line(event: AuditEvent) -> dict[str, Any]:
    """One readable line: when, who, what (label), the status/deadline change, the note."""
    actor = event.actor
    return {
        "id": event.pk,
        "at": event.at,
        "actor": actor,
        "actor_name": getattr(actor, "display_name", "") if actor else "系统",
        "action": event.action,
        "label": AUDIT_LABELS.get(event.action, event.action),
        "change": "；".join(part for part in (_status_change(event), _deadline_change(event)) if part),
        "note": event.note,
    }


def task_history(task: Task, *, limit: int = 200) -> list[dict[str, Any]]:
    """The task's trail, newest first (one query)."""
    events = AuditEvent.objects.filter(task=task).select_related("actor").order_by("-at", "-id")[:limit]
    return [history_line(e) for e in events]
