"""Work inside and below a department: 指派承办人 (主办 + 协办) and 分解下达 (sub-tasks of any depth).

Same contract as tasks/services/workflow.py: keyword-only arguments, one transaction, the move checked by
tasks/workflow.py (409 status, 403 role), `expected_version` honoured, the task written by the versioned
compare-and-swap `_save` (which audits), people told through tasks/services/notify.py.

- `task_assign_handlers`: the department's 联络员/负责人 name one 主办 and any 协办 among its members;
  Task.owner mirrors the 主办. Any 承办人 may then report, submit and ask for an extension.
- `task_decompose`: the department (or 督查室) splits its task to units below it; each part becomes a
  sub-task (role 分解承办, parent = the task) that its own department can split further.
- The open sub-task guard (no 申请办结/审核办结 while sub-tasks are open) is in tasks/services/subtasks.py,
  which workflow.py and this module both import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from common.dates import local_today
from common.errors import ConflictError, DomainError
from tasks.models import AuditEvent, Task, TaskAssignee, TaskRole, TaskStatus
from tasks.selectors import SUBTREE_DEPTH, decompose_department_choices, handler_choices
from tasks.workflow import Action, check_transition

from .audit import audit_record, snapshot
from .notify import notify_event, tasks_assigned
from .workflow import AUDIT_FIELDS, _lock, _save

# --- 指派承办人 ---


def _last_event(task: Task, action: str) -> AuditEvent:
    """The audit event `_save` just wrote for `task` (we hold the row lock: nobody else wrote one since)."""
    event = AuditEvent.objects.filter(task_id=task.pk, action=action).order_by("-id").first()
    assert event is not None
    return event


@transaction.atomic
def task_assign_handlers(
    *,
    task_id: int,
    actor: Any,
    main_user_id: int,
    assist_user_ids: Iterable[int] = (),
    expected_version: int | None = None,
) -> Task:
    """指派承办人: set the task's 主办 (one, mirrored in Task.owner) and 协办 (any number), replacing the old set.

    Only active members of the task's department. Newly named people are notified (kind handler_assigned).
    """
    task = _lock(task_id, expected_version)
    check_transition(task=task, action=Action.ASSIGN_HANDLERS, user=actor)
    main_id = int(main_user_id)
    assist_ids = [i for i in dict.fromkeys(int(x) for x in assist_user_ids) if i != main_id]
    wanted = {main_id: TaskAssignee.Kind.MAIN, **dict.fromkeys(assist_ids, TaskAssignee.Kind.ASSIST)}
    people = {u.pk: u for u in handler_choices(task=task).filter(pk__in=list(wanted))}
    missing = [i for i in wanted if i not in people]
    if missing:
        names = "、".join(
            u.display_name for u in User.objects.filter(pk__in=missing).only("id", "username", "full_name")
        ) or "、".join(str(i) for i in missing)
        raise DomainError(f"承办人必须是“{task.department.name}”的在职人员：{names}。", code="bad_handler")

    current = list(TaskAssignee.objects.filter(task=task))
    kept = {a.user_id for a in current if wanted.get(a.user_id) == a.kind}
    # Drop whoever leaves or changes kind first (only one 主办 may exist at any moment), then add.
    TaskAssignee.objects.filter(pk__in=[a.pk for a in current if a.user_id not in kept]).delete()
    new_ids = [i for i in wanted if i not in kept]
    TaskAssignee.objects.bulk_create(
        [TaskAssignee(task=task, user_id=i, kind=wanted[i], assigned_by=actor) for i in new_ids]
    )

    note = f"主办：{people[main_id].display_name}"
    if assist_ids:
        note += "；协办：" + "、".join(people[i].display_name for i in assist_ids)
    _save(task, actor=actor, action="task.assign_handlers", changes={"owner": people[main_id]}, note=note)
    recipients = [i for i in new_ids if i != getattr(actor, "pk", None)]
    if recipients:
        notify_event(event=_last_event(task, "task.assign_handlers"), kind="handler_assigned", user_ids=recipients)
    return task


# --- 分解下达 ---


def _depth(task: Task) -> int:
    """How many tasks `task` is below (0 for a lead/responsible task); at most SUBTREE_DEPTH queries."""
    depth, parent_id = 0, task.parent_id
    while parent_id is not None and depth <= SUBTREE_DEPTH:
        depth += 1
        parent_id = Task.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return depth


def _as_date(value: Any, index: int) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise DomainError(f"第 {index} 项的完成时限格式不正确（应为 YYYY-MM-DD）。", code="bad_deadline")
    raise DomainError(f"第 {index} 项请填写完成时限。", code="deadline_required")


@transaction.atomic
def task_decompose(
    *,
    task_id: int,
    actor: Any,
    parts: Sequence[Mapping[str, Any]],
    expected_version: int | None = None,
) -> list[Task]:
    """分解下达: split `task` into sub-tasks, one per part {department_id, deadline, note}.

    Each department must be an active unit below the task's department (督查室: any active department) with
    no task on the measure yet; each deadline is required and not later than the task's. The sub-tasks start
    as 已交办 (the reminders sweep sends their 交办 notices) and may be split again by their departments.
    """
    if not parts:
        raise DomainError("请至少填写一项分解任务。", code="no_parts")
    task = _lock(task_id, expected_version)
    check_transition(task=task, action=Action.DECOMPOSE, user=actor)
    if _depth(task) >= SUBTREE_DEPTH:
        raise ConflictError(f"分解层级已达上限（{SUBTREE_DEPTH} 级），不能再向下分解。", code="too_deep")

    eligible = decompose_department_choices(task=task, user=actor)
    today = local_today()
    seen: set[int] = set()
    plan = []
    for index, part in enumerate(parts, start=1):
        raw_id = part.get("department_id")
        if raw_id is None or raw_id == "":
            raise DomainError(f"第 {index} 项请选择承办单位。", code="department_required")
        department = eligible.filter(pk=int(raw_id)).first()
        if department is None:
            raise DomainError(
                f"第 {index} 项的单位不存在、已停用，或不是“{task.department.name}”的下级单位，不能分解下达。",
                code="bad_department",
            )
        if department.pk in seen:
            raise DomainError(f"“{department.name}”重复填写。", code="duplicate_part")
        seen.add(department.pk)
        deadline = _as_date(part.get("deadline"), index)
        if task.deadline is not None and deadline > task.deadline:
            raise DomainError(
                f"“{department.name}”的完成时限不能晚于上级任务的完成时限（{task.deadline:%Y年%m月%d日}）。",
                code="deadline_after_parent",
            )
        if deadline < today:
            raise DomainError(f"“{department.name}”的完成时限不能早于今天。", code="deadline_past")
        plan.append((department, deadline, str(part.get("note") or "").strip()))

    taken = set(
        Task.objects.filter(measure_id=task.measure_id, department_id__in=list(seen)).values_list(
            "department__name", flat=True
        )
    )
    if taken:
        raise ConflictError(
            f"“{'、'.join(sorted(taken))}”在该措施下已有任务，不能重复分解下达。", code="duplicate_task"
        )

    children = []
    for department, deadline, note in plan:
        child = Task(
            measure_id=task.measure_id,
            department=department,
            role=TaskRole.SUB,
            parent=task,
            deadline=deadline,
            original_deadline=deadline,
            status=TaskStatus.ASSIGNED,
        )
        try:
            with transaction.atomic():  # a savepoint: a concurrent duplicate becomes a 409, not a broken transaction
                child.save()
        except IntegrityError:
            raise ConflictError(f"“{department.name}”在该措施下已有任务，不能重复分解下达。", code="duplicate_task")
        audit_record(
            actor=actor,
            action="task_create_sub",
            instance=child,
            after={**snapshot(child, (*AUDIT_FIELDS, "parent")), "role": child.role},
            note=note or f"由{task.department.name}分解下达",
        )
        children.append(child)

    summary = "；".join(f"{d.name}（{deadline:%Y-%m-%d}）" for d, deadline, _ in plan)
    _save(task, actor=actor, action="task.decompose", changes={}, note=f"分解下达：{summary}")
    tasks_assigned()
    return children
