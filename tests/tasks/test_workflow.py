"""The state machine and its services: every transition × role, stale writes, extensions, attachments."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import ConflictError, DomainError, PermissionDeniedError, StaleWriteError
from tasks.models import AuditEvent, ExtensionRequest, ProgressReport, Task, TaskStatus
from tasks.services import workflow as wf
from tasks.workflow import TRANSITIONS, Action, allowed_actions
from tests import factories

S = TaskStatus


@pytest.fixture
def world(db):
    """factories.lead_and_responsible_world: tasks of 市牵头局 (L) and 市责任局 (R); users of R, L, O, 督查室."""
    return factories.lead_and_responsible_world()


def _call(action: str, task: Task, user, world) -> None:
    """Run the service for `action` with valid arguments."""
    tid = task.pk
    if action == Action.ACCEPT:
        wf.task_accept(task_id=tid, actor=user)
    elif action == Action.DECLINE:
        wf.task_decline(task_id=tid, actor=user, reason="非本单位职责")
    elif action == Action.START:
        wf.task_start(task_id=tid, actor=user)
    elif action == Action.REPORT:
        wf.task_report_progress(task_id=tid, actor=user, percent=30, progress="已启动")
    elif action == Action.SUBMIT:
        wf.task_submit_completion(task_id=tid, actor=user, evidence="已完成")
    elif action == Action.APPROVE:
        wf.task_approve(task_id=tid, actor=user)
    elif action == Action.RETURN:
        wf.task_return(task_id=tid, actor=user, reason="材料不全")
    elif action == Action.CANCEL:
        wf.task_cancel(task_id=tid, actor=user, reason="不再需要")
    elif action == Action.REASSIGN:
        wf.task_reassign(task_id=tid, actor=user, department_id=world["depts"]["o"].pk)
    elif action == Action.EXTEND:
        wf.extension_request_create(task_id=tid, actor=user, reason="等待配套政策",
                                    requested_deadline=dt.date(2027, 6, 30))
    else:  # pragma: no cover
        raise AssertionError(action)


ALL_ROLES = ["r_staff", "r_liaison", "r_leader", "l_leader", "l_liaison", "o_leader", "supervisor"]

# action → (status the responsible task starts in, status after, roles that may do it)
RESPONSIBLE_MATRIX = {
    Action.ACCEPT: (S.ASSIGNED, S.ACCEPTED, {"r_liaison", "r_leader"}),
    Action.DECLINE: (S.ASSIGNED, S.DECLINED, {"r_liaison", "r_leader"}),
    Action.START: (S.ACCEPTED, S.IN_PROGRESS, {"r_staff", "r_liaison", "r_leader"}),
    Action.REPORT: (S.ACCEPTED, S.IN_PROGRESS, {"r_staff", "r_liaison", "r_leader"}),
    Action.SUBMIT: (S.IN_PROGRESS, S.SUBMITTED, {"r_liaison", "r_leader"}),
    Action.APPROVE: (S.SUBMITTED, S.FINISHED, {"l_leader"}),
    Action.RETURN: (S.SUBMITTED, S.RETURNED, {"l_leader"}),
    Action.CANCEL: (S.IN_PROGRESS, S.CANCELLED, {"supervisor"}),
    Action.REASSIGN: (S.DECLINED, S.ASSIGNED, {"supervisor"}),
    Action.EXTEND: (S.IN_PROGRESS, S.IN_PROGRESS, {"r_liaison", "r_leader"}),
}


@time_machine.travel(dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", list(RESPONSIBLE_MATRIX))
def test_responsible_task_transition_by_role(world, action, role):
    start, end, allowed = RESPONSIBLE_MATRIX[action]
    task = world["resp"]
    Task.objects.filter(pk=task.pk).update(status=start)
    user = world["users"][role]
    task.refresh_from_db()
    assert (action in allowed_actions(task, user)) == (role in allowed)
    if role in allowed:
        _call(action, task, user, world)
        task.refresh_from_db()
        assert task.status == end
        assert task.version == 2
        assert AuditEvent.objects.filter(task=task, action__startswith="task.").count() == 1
    else:
        with pytest.raises(PermissionDeniedError):
            _call(action, task, user, world)
        task.refresh_from_db()
        assert (task.status, task.version) == (start, 1)
        assert not AuditEvent.objects.filter(task=task).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", [Action.APPROVE, Action.RETURN])
def test_lead_task_is_reviewed_by_supervisor_only(world, action, role):
    task = world["lead"]
    Task.objects.filter(pk=task.pk).update(status=S.SUBMITTED)
    user = world["users"][role]
    if role == "supervisor":
        _call(action, task, user, world)
        task.refresh_from_db()
        assert task.status == (S.FINISHED if action == Action.APPROVE else S.RETURNED)
    else:
        with pytest.raises(PermissionDeniedError):
            _call(action, task, user, world)


def test_responsible_task_without_lead_is_reviewed_by_supervisor(world):
    world["lead"].delete()
    task = world["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.SUBMITTED)
    with pytest.raises(PermissionDeniedError):
        wf.task_approve(task_id=task.pk, actor=world["users"]["l_leader"])
    wf.task_approve(task_id=task.pk, actor=world["users"]["supervisor"])
    task.refresh_from_db()
    assert task.status == S.FINISHED and task.finished_at is not None and task.percent == 100


@pytest.mark.parametrize("action", list(RESPONSIBLE_MATRIX))
def test_illegal_status_is_409_with_chinese_message(world, action):
    task = world["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.FINISHED)
    allowed_role = sorted(RESPONSIBLE_MATRIX[action][2])[0]
    with pytest.raises(ConflictError) as exc:
        _call(action, task, world["users"][allowed_role], world)
    assert exc.value.status_code == 409
    assert exc.value.message.startswith("当前状态“已办结”不能执行")
    task.refresh_from_db()
    assert task.version == 1


def test_accept_message_exact(world):
    Task.objects.filter(pk=world["resp"].pk).update(status=S.FINISHED)
    with pytest.raises(ConflictError, match="^当前状态“已办结”不能执行“签收”。$"):
        wf.task_accept(task_id=world["resp"].pk, actor=world["users"]["r_liaison"])


def test_every_status_has_a_way_out_or_is_terminal():
    reachable_from = {src for t in TRANSITIONS.values() if t.target for src in t.sources}
    assert set(S) - reachable_from == {S.FINISHED, S.CANCELLED}


# --- Optimistic locking ---


def test_stale_expected_version_changes_nothing(world):
    task = world["resp"]
    user = world["users"]["r_liaison"]
    wf.task_accept(task_id=task.pk, actor=user, expected_version=1)
    with pytest.raises(StaleWriteError) as exc:
        wf.task_decline(task_id=task.pk, actor=user, reason="x", expected_version=1)
    assert exc.value.status_code == 409 and exc.value.extra == {"current_version": 2}
    task.refresh_from_db()
    assert (task.status, task.version) == (S.ACCEPTED, 2)
    assert AuditEvent.objects.filter(task=task).count() == 1


def test_compare_and_swap_refuses_a_row_changed_after_it_was_read(world):
    task = Task.objects.get(pk=world["resp"].pk)
    Task.objects.filter(pk=task.pk).update(version=7)  # another writer committed meanwhile
    with pytest.raises(StaleWriteError):
        wf._save(task, actor=None, action="task.test", changes={"percent": 50})
    task.refresh_from_db()
    assert (task.percent, task.version) == (0, 7)


def test_failed_report_rolls_back_the_report(world):
    task = world["resp"]
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(DomainError, match="类型不允许"):
        wf.task_report_progress(task_id=task.pk, actor=world["users"]["r_staff"], percent=10, progress="进展",
                                attachments=[bad])
    assert not ProgressReport.objects.exists()
    task.refresh_from_db()
    assert (task.status, task.version, task.percent) == (S.ASSIGNED, 1, 0)


# --- Reports, submission, return ---


@time_machine.travel(dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC), tick=False)
def test_report_sets_percent_period_and_attachments(world):
    task = world["resp"]
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    report = wf.task_report_progress(task_id=task.pk, actor=world["users"]["r_staff"], percent=35,
                                     progress="完成摸底", problems="资金不足", attachments=[pdf])
    task.refresh_from_db()
    assert (task.status, task.percent, task.version) == (S.IN_PROGRESS, 35, 2)
    assert task.accepted_at is not None  # reporting on an unaccepted task accepts it
    assert report.period == "2026-11"
    att = report.attachments.get()
    assert (att.original_name, att.size, att.content_type) == ("证明.pdf", 13, "application/pdf")


def test_attachment_size_limit_from_settings(world, settings):
    settings.DUBAN = {**settings.DUBAN, "ATTACHMENT_MAX_BYTES": 10}
    big = SimpleUploadedFile("a.pdf", b"x" * 11)
    with pytest.raises(DomainError, match="超过大小上限"):
        wf.task_report_progress(task_id=world["resp"].pk, actor=world["users"]["r_staff"], percent=1,
                                progress="x", attachments=[big])


def test_returned_task_keeps_deadline_and_can_be_reported_and_submitted_again(world):
    task = world["resp"]
    users = world["users"]
    Task.objects.filter(pk=task.pk).update(status=S.IN_PROGRESS)
    wf.task_submit_completion(task_id=task.pk, actor=users["r_leader"], evidence="已完成")
    wf.task_return(task_id=task.pk, actor=users["l_leader"], reason="佐证不足")
    task.refresh_from_db()
    assert task.status == S.RETURNED and task.deadline == dt.date(2026, 12, 31) and task.submitted_at is None
    assert AuditEvent.objects.get(task=task, action="task.return").note == "佐证不足"
    wf.task_report_progress(task_id=task.pk, actor=users["r_staff"], percent=90, progress="补充材料")
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    wf.task_submit_completion(task_id=task.pk, actor=users["r_liaison"], evidence="补充后完成")
    task.refresh_from_db()
    assert task.status == S.SUBMITTED
    assert ProgressReport.objects.filter(task=task, kind=ProgressReport.Kind.COMPLETION).count() == 2


def test_owner_may_submit(world):
    task = world["resp"]
    staff = world["users"]["r_staff"]
    Task.objects.filter(pk=task.pk).update(status=S.IN_PROGRESS, owner=staff)
    wf.task_submit_completion(task_id=task.pk, actor=staff, evidence="完成")
    assert Task.objects.get(pk=task.pk).status == S.SUBMITTED


def test_reason_required(world):
    with pytest.raises(DomainError, match="理由"):
        wf.task_decline(task_id=world["resp"].pk, actor=world["users"]["r_liaison"], reason="  ")


# --- Decline and reassign ---


def test_decline_then_reassign_to_another_department(world):
    task = world["resp"]
    users = world["users"]
    wf.task_decline(task_id=task.pk, actor=users["r_liaison"], reason="属于市无关局职责")
    wf.task_reassign(task_id=task.pk, actor=users["supervisor"], department_id=world["depts"]["o"].pk)
    task.refresh_from_db()
    assert (task.status, task.department_id, task.owner_id, task.version) == (
        S.ASSIGNED, world["depts"]["o"].pk, None, 3
    )
    event = AuditEvent.objects.get(task=task, action="task.reassign")
    assert event.before["department"] == world["depts"]["r"].pk and event.after["department"] == world["depts"]["o"].pk


def test_reassign_refuses_a_department_already_on_the_measure(world):
    task = world["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.DECLINED)
    with pytest.raises(ConflictError, match="已有任务"):
        wf.task_reassign(task_id=task.pk, actor=world["users"]["supervisor"], department_id=world["depts"]["l"].pk)


# --- Extensions ---


@time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False)  # 2027-01-01 00:30 Beijing
def test_an_overdue_task_may_ask_for_an_extension_and_the_request_says_it_was_late(world):
    ext = wf.extension_request_create(task_id=world["resp"].pk, actor=world["users"]["r_leader"], reason="晚了",
                                      requested_deadline=dt.date(2027, 1, 15))
    assert ext.was_overdue is True and ext.current_deadline == dt.date(2026, 12, 31)
    event = AuditEvent.objects.get(task=world["resp"], action="task.extension_requested")
    assert "逾期后申请" in event.note
    with pytest.raises(DomainError, match="晚于今天"):
        wf.extension_request_create(task_id=world["resp"].pk, actor=world["users"]["r_leader"], reason="x",
                                    requested_deadline=dt.date(2027, 1, 1))


@time_machine.travel(dt.datetime(2026, 12, 31, 10, 0, tzinfo=dt.UTC), tick=False)  # 18:00 on the deadline day
def test_extension_approved_moves_deadline_and_keeps_original(world):
    task = world["resp"]
    users = world["users"]
    ext = wf.extension_request_create(task_id=task.pk, actor=users["r_leader"], reason="等待省级政策",
                                      requested_deadline=dt.date(2027, 3, 31), current_percent=60)
    assert (ext.current_deadline, ext.current_percent, ext.status) == (dt.date(2026, 12, 31), 60, "pending")
    with pytest.raises(ConflictError, match="待审批"):
        wf.extension_request_create(task_id=task.pk, actor=users["r_leader"], reason="再来",
                                    requested_deadline=dt.date(2027, 4, 30))
    with pytest.raises(PermissionDeniedError):
        wf.extension_approve(extension_id=ext.pk, actor=users["l_leader"])
    wf.extension_approve(extension_id=ext.pk, actor=users["supervisor"], note="同意")
    task.refresh_from_db()
    ext.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (dt.date(2027, 3, 31), dt.date(2026, 12, 31))
    assert ext.status == ExtensionRequest.Status.APPROVED and ext.decided_by == users["supervisor"]
    assert task.version == 3  # request + approval
    approved = AuditEvent.objects.get(task=task, action="task.extension_approved")
    assert approved.before["deadline"] == "2026-12-31" and approved.after["deadline"] == "2027-03-31"
    with pytest.raises(ConflictError, match="已处理"):
        wf.extension_refuse(extension_id=ext.pk, actor=users["supervisor"], note="不同意")


def test_extension_refused_keeps_deadline(world):
    task = world["resp"]
    ext = wf.extension_request_create(task_id=task.pk, actor=world["users"]["r_leader"], reason="理由",
                                      requested_deadline=dt.date(2027, 3, 31))
    with pytest.raises(DomainError, match="审批意见"):
        wf.extension_refuse(extension_id=ext.pk, actor=world["users"]["supervisor"], note="")
    wf.extension_refuse(extension_id=ext.pk, actor=world["users"]["supervisor"], note="理由不充分")
    task.refresh_from_db()
    assert task.deadline == dt.date(2026, 12, 31)
    assert ExtensionRequest.objects.get(pk=ext.pk).status == ExtensionRequest.Status.REFUSED


def test_extension_must_be_later_than_current_deadline(world):
    with pytest.raises(DomainError, match="晚于当前完成时限"):
        wf.extension_request_create(task_id=world["resp"].pk, actor=world["users"]["r_leader"], reason="x",
                                    requested_deadline=dt.date(2026, 12, 1))


# --- Target readings ---


def test_target_reading_by_department_with_a_task_only(world):
    target = world["resp"].measure.targets.create(text="培育300家以上", value=300, unit="家")
    reading = wf.target_reading_create(target_id=target.pk, actor=world["users"]["r_staff"], value=120,
                                       measured_on=dt.date(2026, 6, 30))
    assert reading.department_id == world["depts"]["r"].pk
    assert AuditEvent.objects.filter(action="target_reading.create", object_id=str(reading.pk)).exists()
    with pytest.raises(PermissionDeniedError):
        wf.target_reading_create(target_id=target.pk, actor=world["users"]["o_leader"], value=1,
                                 measured_on=dt.date(2026, 6, 30))
