"""Writes that move a task through its workflow (签收, 报送, 办结, 退回, 延期 …).

Every function here:
- takes keyword-only arguments and runs in one transaction;
- checks the move against tasks/workflow.py (409 illegal status, 403 wrong role);
- honours `expected_version` (optimistic locking): a stale write raises StaleWriteError and changes nothing;
- writes the task with a compare-and-swap `UPDATE … WHERE id = %s AND version = N`, bumping `version`;
- appends an AuditEvent through tasks/services/audit.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.dates import local_today
from common.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError, StaleWriteError
from departments.models import Department
from tasks.models import (
    Attachment,
    AuditEvent,
    ExtensionRequest,
    ProgressReport,
    Target,
    TargetReading,
    Task,
)
from tasks.progress import period_key
from tasks.workflow import Action, check_transition, is_supervisor

from .audit import audit_record, snapshot
from .notify import last_task_event, notify_event, supervisors, task_handlers, task_reviewers, tasks_assigned
from .subtasks import subtasks_guard

# Fields snapshotted into the audit trail on every task change.
AUDIT_FIELDS = ("status", "department", "owner", "deadline", "original_deadline", "percent", "version")


# --- Internals ---


def _lock(task_id: int, expected_version: int | None) -> Task:
    """Load the task for update and refuse a stale client version."""
    task = (
        Task.objects.select_for_update()
        .select_related("measure__document", "department")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFoundError("任务不存在。")
    if expected_version is not None and int(expected_version) != task.version:
        raise StaleWriteError(
            f"任务已被他人修改（当前版本 {task.version}，您提交的版本 {expected_version}），请刷新后重试。",
            extra={"current_version": task.version},
        )
    return task


def _save(task: Task, *, actor: Any, action: str, changes: dict[str, Any], note: str = "") -> Task:
    """Compare-and-swap the changes onto the row (version N → N+1) and audit them."""
    before = snapshot(task, AUDIT_FIELDS)
    for field, value in changes.items():
        setattr(task, field, value)
    task.full_clean(exclude=["measure", "department", "owner", "via_group"], validate_constraints=False)
    now = timezone.now()
    updated = Task.objects.filter(pk=task.pk, version=task.version).update(
        **changes, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        # Someone committed between our read and our write (possible on backends without row locks).
        raise StaleWriteError("任务已被他人修改，请刷新后重试。")
    task.version += 1
    task.updated_at = now
    after = snapshot(task, AUDIT_FIELDS)
    audit_record(actor=actor, action=action, instance=task, before=before, after=after, note=note)
    return task


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code="required")
    return value


def validate_attachment(file: UploadedFile) -> None:
    """Refuse files of a type or size not allowed by settings.DUBAN."""
    cfg = settings.DUBAN
    name = file.name or ""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in {e.lower() for e in cfg["ATTACHMENT_EXTENSIONS"]}:
        allowed = "、".join(cfg["ATTACHMENT_EXTENSIONS"])
        raise DomainError(f"附件“{name}”的类型不允许（允许：{allowed}）。", code="attachment_type")
    if file.size is None or file.size > cfg["ATTACHMENT_MAX_BYTES"]:
        limit_mb = cfg["ATTACHMENT_MAX_BYTES"] / 1024 / 1024
        raise DomainError(f"附件“{name}”超过大小上限 {limit_mb:g} MB。", code="attachment_size")


def _create_report(
    *, task: Task, actor: Any, kind: str, percent: int, progress: str, problems: str, next_steps: str,
    attachments: Sequence[UploadedFile], today: dt.date,
) -> ProgressReport:
    for file in attachments:
        validate_attachment(file)
    report = ProgressReport(
        task=task,
        author=actor,
        kind=kind,
        period=period_key(task.measure.document.reporting_cycle, today),
        percent=percent,
        progress=progress,
        problems=problems,
        next_steps=next_steps,
    )
    report.full_clean()
    report.save()
    for file in attachments:
        Attachment.objects.create(
            report=report,
            file=file,
            original_name=os.path.basename(file.name or "")[:255],
            content_type=getattr(file, "content_type", "") or "",
            size=file.size or 0,
        )
    return report


# --- Department side ---


@transaction.atomic
def task_accept(*, task_id: int, actor: Any, expected_version: int | None = None) -> Task:
    """签收: the department acknowledges receipt (已交办 → 已签收)."""
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.ACCEPT, user=actor)
    changes: dict[str, Any] = {"status": status, "accepted_at": timezone.now()}
    if task.owner_id is None and getattr(actor, "department_id", None) == task.department_id:
        changes["owner"] = actor
    return _save(task, actor=actor, action="task.accept", changes=changes)


@transaction.atomic
def task_decline(*, task_id: int, actor: Any, reason: str, expected_version: int | None = None) -> Task:
    """退回: not this department's job; goes back to 督查室 for reassignment (→ 已退回待改派)."""
    reason = _require_text(reason, "退回必须说明理由。")
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.DECLINE, user=actor)
    _save(task, actor=actor, action="task.decline", changes={"status": status}, note=reason)
    notify_event(event=last_task_event(task), kind="declined", user_ids=supervisors())
    return task


@transaction.atomic
def task_start(*, task_id: int, actor: Any, expected_version: int | None = None) -> Task:
    """开始办理 (已签收 → 办理中)."""
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.START, user=actor)
    return _save(task, actor=actor, action="task.start", changes={"status": status})


@transaction.atomic
def task_report_progress(
    *,
    task_id: int,
    actor: Any,
    percent: int,
    progress: str,
    problems: str = "",
    next_steps: str = "",
    attachments: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> ProgressReport:
    """报送进展: append a report (with attachments) for the current period and set the task's percent.

    A report on a task not yet accepted accepts it implicitly; the task is then 办理中.
    """
    progress = _require_text(progress, "请填写进展情况。")
    if not 0 <= int(percent) <= 100:
        raise DomainError("完成进度必须在 0 到 100 之间。", code="percent_range")
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.REPORT, user=actor)
    report = _create_report(
        task=task, actor=actor, kind=ProgressReport.Kind.PROGRESS, percent=int(percent), progress=progress,
        problems=problems, next_steps=next_steps, attachments=attachments, today=local_today(),
    )
    changes: dict[str, Any] = {"status": status, "percent": int(percent)}
    if task.accepted_at is None:
        changes["accepted_at"] = timezone.now()
    _save(task, actor=actor, action="task.report", changes=changes, note=f"报送进展 {percent}%（报告 #{report.pk}）")
    return report


@transaction.atomic
def task_submit_completion(
    *,
    task_id: int,
    actor: Any,
    evidence: str,
    attachments: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> ProgressReport:
    """申请办结: the completion report with evidence; the task waits for review (→ 申请办结)."""
    evidence = _require_text(evidence, "申请办结必须填写办结情况及佐证说明。")
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.SUBMIT, user=actor)
    subtasks_guard(task=task, actor=actor, action=Action.SUBMIT)
    report = _create_report(
        task=task, actor=actor, kind=ProgressReport.Kind.COMPLETION, percent=100, progress=evidence,
        problems="", next_steps="", attachments=attachments, today=local_today(),
    )
    _save(
        task, actor=actor, action="task.submit",
        changes={"status": status, "percent": 100, "submitted_at": timezone.now()},
        note=f"申请办结（报告 #{report.pk}）",
    )
    notify_event(event=last_task_event(task), kind="review_waiting", user_ids=task_reviewers(task))
    return report


# --- Review side ---


@transaction.atomic
def task_approve(
    *, task_id: int, actor: Any, note: str = "", override_reason: str = "", expected_version: int | None = None
) -> Task:
    """审核办结 (申请办结 → 已办结). With open sub-tasks only when `override_reason` says why (audited)."""
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.APPROVE, user=actor)
    subtasks_guard(task=task, actor=actor, action=Action.APPROVE, override_reason=override_reason)
    _save(
        task, actor=actor, action="task.approve",
        changes={"status": status, "percent": 100, "finished_at": timezone.now()}, note=note,
    )
    notify_event(event=last_task_event(task), kind="approved", user_ids=task_handlers(task))
    return task


@transaction.atomic
def task_return(*, task_id: int, actor: Any, reason: str, expected_version: int | None = None) -> Task:
    """退回重办 (申请办结 → 退回重办). The deadline does not move: a redo is due by the original date.

    完成进度 goes back to what it was before the completion request (it is not done after all), at most 99%.
    """
    reason = _require_text(reason, "退回重办必须说明理由。")
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.RETURN, user=actor)
    changes = {"status": status, "submitted_at": None, "percent": _percent_before_submit(task)}
    _save(task, actor=actor, action="task.return", changes=changes, note=reason)
    notify_event(event=last_task_event(task), kind="returned", user_ids=task_handlers(task))
    return task


def _percent_before_submit(task: Task) -> int:
    """The percent the task had before its latest 申请办结 (from that audit snapshot, else the latest
    progress report), capped at 99: a returned task is not finished."""
    submit = AuditEvent.objects.filter(task_id=task.pk, action="task.submit").order_by("-id").first()
    percent = submit.before.get("percent") if submit is not None else None
    if percent is None:
        percent = (
            ProgressReport.objects.filter(task_id=task.pk, kind=ProgressReport.Kind.PROGRESS)
            .order_by("-created_at", "-id")
            .values_list("percent", flat=True)
            .first()
        )
    return min(int(percent or 0), 99)


@transaction.atomic
def task_cancel(*, task_id: int, actor: Any, reason: str, expected_version: int | None = None) -> Task:
    """取消 (督查室): the task no longer needs doing."""
    reason = _require_text(reason, "取消任务必须说明理由。")
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.CANCEL, user=actor)
    return _save(task, actor=actor, action="task.cancel", changes={"status": status}, note=reason)


@transaction.atomic
def task_reassign(
    *, task_id: int, actor: Any, department_id: int, note: str = "", expected_version: int | None = None
) -> Task:
    """改派 (督查室): a declined task goes to another department and starts again as 已交办."""
    task = _lock(task_id, expected_version)
    status = check_transition(task=task, action=Action.REASSIGN, user=actor)
    department = Department.objects.filter(pk=department_id, active=True).first()
    if department is None:
        raise DomainError("改派的部门不存在或已停用。", code="bad_department")
    if department.pk == task.department_id:
        raise ConflictError("不能改派给原部门。", code="same_department")
    if Task.objects.filter(measure_id=task.measure_id, department=department).exists():
        raise ConflictError(f"“{department.name}”在该措施下已有任务。", code="duplicate_task")
    changes = {
        "status": status,
        "department": department,
        "owner": None,
        "accepted_at": None,
        "submitted_at": None,
        "percent": 0,
        "assigned_at": timezone.now(),
        "printed_name": "",
    }
    saved = _save(task, actor=actor, action="task.reassign", changes=changes, note=note or f"改派至{department.name}")
    # The new department hears it as 任务改派 (REASSIGNED); that notice stands in for the sweep's 交办 notice.
    notify_event(event=last_task_event(saved), kind="reassigned", user_ids=task_handlers(saved))
    tasks_assigned()
    return saved


# --- Extensions ---


@transaction.atomic
def extension_request_create(
    *,
    task_id: int,
    actor: Any,
    reason: str,
    requested_deadline: dt.date,
    current_percent: int | None = None,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """申请延期, with a reason, the new date and the current progress.

    An overdue task may ask too ("we are late, grant us two more weeks"): the request records that
    it was filed late (`was_overdue`), and 考核 keeps counting the original deadline.
    """
    reason = _require_text(reason, "申请延期必须说明理由。")
    task = _lock(task_id, expected_version)
    check_transition(task=task, action=Action.EXTEND, user=actor)
    today = local_today()
    was_overdue = task.deadline is not None and task.deadline < today
    if task.deadline is not None and requested_deadline <= task.deadline:
        raise DomainError("申请的完成时限必须晚于当前完成时限。", code="extension_not_later")
    if requested_deadline <= today:
        raise DomainError("申请的完成时限必须晚于今天。", code="extension_not_later")
    if ExtensionRequest.objects.filter(task=task, status=ExtensionRequest.Status.PENDING).exists():
        raise ConflictError("该任务已有待审批的延期申请。", code="extension_pending")
    ext = ExtensionRequest(
        task=task,
        requested_by=actor,
        reason=reason,
        current_deadline=task.deadline,
        requested_deadline=requested_deadline,
        current_percent=task.percent if current_percent is None else int(current_percent),
        was_overdue=was_overdue,
    )
    ext.full_clean()
    ext.save()
    event = audit_record(
        actor=actor, action="extension.create", instance=ext, task=task,
        after=snapshot(ext, ("requested_deadline", "current_deadline", "current_percent", "status", "was_overdue")),
        note=reason,
    )
    _save(
        task, actor=actor, action="task.extension_requested", changes={},
        note=f"延期申请 #{ext.pk}" + ("（逾期后申请）" if was_overdue else ""),
    )
    # Extensions are decided by 督查室 (tasks.workflow EXTENSION_DECIDE): they are told one waits.
    notify_event(event=event, kind="review_waiting", user_ids=supervisors())
    return ext


def _decide_extension(
    *, extension_id: int, actor: Any, approve: bool, note: str, expected_version: int | None
) -> ExtensionRequest:
    ext = ExtensionRequest.objects.select_for_update().filter(pk=extension_id).first()
    if ext is None:
        raise NotFoundError("延期申请不存在。")
    task = _lock(ext.task_id, expected_version)
    if not is_supervisor(actor):
        raise PermissionDeniedError("只有督查室可以审批延期申请。", code="not_allowed")
    if ext.status != ExtensionRequest.Status.PENDING:
        raise ConflictError(f"该延期申请已处理（{ext.get_status_display()}）。", code="extension_decided")
    check_transition(task=task, action=Action.EXTENSION_DECIDE, user=actor)
    before = snapshot(ext, ("status",))
    ext.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    ext.decided_by = actor
    ext.decided_at = timezone.now()
    ext.decision_note = note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    event = audit_record(
        actor=actor, action="extension.approve" if approve else "extension.refuse", instance=ext, task=task,
        before=before, after=snapshot(ext, ("status", "requested_deadline")), note=note,
    )
    changes: dict[str, Any] = {}
    if approve:
        # The new date governs reminders and the light; assessment keeps the original date.
        changes = {"deadline": ext.requested_deadline, "deadline_is_default": False}
        if task.original_deadline is None:
            changes["original_deadline"] = task.deadline
    _save(
        task, actor=actor, action="task.extension_approved" if approve else "task.extension_refused",
        changes=changes, note=note or f"延期申请 #{ext.pk}",
    )
    notify_event(
        event=event, kind="extension_granted" if approve else "extension_refused",
        user_ids=[ext.requested_by_id, *task_handlers(task)],
    )
    return ext


@transaction.atomic
def extension_approve(
    *, extension_id: int, actor: Any, note: str = "", expected_version: int | None = None
) -> ExtensionRequest:
    """批准延期 (督查室): moves Task.deadline, keeps original_deadline for assessment."""
    return _decide_extension(
        extension_id=extension_id, actor=actor, approve=True, note=note, expected_version=expected_version
    )


@transaction.atomic
def extension_refuse(
    *, extension_id: int, actor: Any, note: str = "", expected_version: int | None = None
) -> ExtensionRequest:
    """不批准延期 (督查室): the deadline stays."""
    note = _require_text(note, "不批准延期必须填写审批意见。")
    return _decide_extension(
        extension_id=extension_id, actor=actor, approve=False, note=note, expected_version=expected_version
    )


# --- Targets ---


@transaction.atomic
def target_reading_create(
    *,
    target_id: int,
    actor: Any,
    value: Decimal,
    measured_on: dt.date,
    evidence: str = "",
    attachment: UploadedFile | None = None,
    allowed_department_ids: Iterable[int] | None = None,
) -> TargetReading:
    """填报目标完成值: by a department with a task on the target's measure, or by 督查室."""
    target = Target.objects.select_related("measure").filter(pk=target_id).first()
    if target is None:
        raise NotFoundError("目标不存在。")
    dept_id = getattr(actor, "department_id", None)
    if not is_supervisor(actor):
        if dept_id is None or not Task.objects.filter(measure_id=target.measure_id, department_id=dept_id).exists():
            raise PermissionDeniedError("只有承担该措施的部门或督查室可以填报完成值。", code="not_allowed")
    if allowed_department_ids is not None and dept_id not in set(allowed_department_ids):
        raise PermissionDeniedError("该令牌不能代表此部门填报。", code="not_allowed")
    if measured_on > local_today():
        raise DomainError("统计日期不能晚于今天。", code="future_date")
    if attachment is not None:
        validate_attachment(attachment)
    reading = TargetReading(
        target=target,
        department_id=dept_id,
        value=value,
        measured_on=measured_on,
        evidence=evidence,
        created_by=actor,
    )
    if attachment is not None:
        reading.attachment = attachment
    reading.full_clean()
    reading.save()
    audit_record(
        actor=actor, action="target_reading.create", instance=reading,
        after=snapshot(reading, ("target", "department", "value", "measured_on")),
    )
    return reading

