"""Workflow events tell the right people once (退回重办, 审核通过, 延期, 待审核, 改派, 退回待改派)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from reminders.events import record_event
from reminders.models import ChannelConfig, Notification, NotificationPreference, ReminderKind, ReminderLog
from reminders.services import reminder_deliver_pending, reminder_sweep
from tasks.models import AuditEvent, ProgressReport, ReportingCycle, Task, TaskAssignee, TaskRole, TaskStatus
from tasks.services import notify
from tasks.services import workflow as wf
from tests import factories

from .conftest import at

pytestmark = pytest.mark.django_db
S = TaskStatus
DAY = dt.date(2026, 11, 4)  # a Wednesday, 10:00 Beijing: outside quiet hours


@pytest.fixture(autouse=True)
def office_hours():
    """Every test runs on DAY at 10:00 Beijing (outside quiet hours), time moving on from there."""
    with time_machine.travel(at(DAY, 10), tick=True):
        yield


@pytest.fixture
def w(db):
    """A measure led by 市牵头局 (L) with a responsible task for 市责任局 (R)."""
    dept_r = factories.DepartmentFactory(name="市责任局")
    dept_l = factories.DepartmentFactory(name="市牵头局")
    doc = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY)
    measure = factories.MeasureFactory(document=doc, title="推进营商环境改革")
    lead = factories.TaskFactory(measure=measure, department=dept_l, role=TaskRole.LEAD)
    owner = factories.StaffFactory(department=dept_r, email="owner@example.gov.cn")
    resp = factories.TaskFactory(
        measure=measure,
        department=dept_r,
        role=TaskRole.RESPONSIBLE,
        owner=owner,
        status=S.IN_PROGRESS,
        deadline=dt.date(2027, 6, 30),
    )
    return {
        "resp": resp,
        "lead": lead,
        "r": dept_r,
        "l": dept_l,
        "owner": owner,
        "r_liaison": factories.LiaisonFactory(department=dept_r),
        "r_leader": factories.LeaderFactory(department=dept_r),
        "l_leader": factories.LeaderFactory(department=dept_l),
        "supervisor": factories.SupervisorFactory(),
    }


def deliver():
    return reminder_deliver_pending()


def notes(kind):
    return {n.user_id: n for n in Notification.objects.filter(kind=kind)}


def test_return_tells_the_handlers_with_the_reason_and_restores_the_percent(w):
    task = w["resp"]
    wf.task_report_progress(task_id=task.pk, actor=w["owner"], percent=60, progress="推进中")
    wf.task_submit_completion(task_id=task.pk, actor=w["r_liaison"], evidence="已完成")
    assert Task.objects.get(pk=task.pk).percent == 100
    wf.task_return(task_id=task.pk, actor=w["l_leader"], reason="佐证材料不全")
    task.refresh_from_db()
    assert (task.status, task.percent) == (S.RETURNED, 60)  # not 100 any more
    deliver()
    got = notes(ReminderKind.RETURNED)
    assert set(got) == {w["owner"].id, w["r_liaison"].id}  # not the leader (others handle it), not the actor
    note = got[w["owner"].id]
    assert note.title == "【退回重办】推进营商环境改革" and note.task_id == task.pk
    assert "佐证材料不全" in note.body and w["l_leader"].display_name in note.body and "市责任局" in note.body
    assert ReminderLog.objects.filter(kind=ReminderKind.RETURNED, channel="email", recipient=w["owner"]).exists()


def test_return_percent_is_capped_at_99_and_falls_back_to_the_latest_report(w):
    task = w["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.SUBMITTED, percent=100)  # no submit audit event
    ProgressReport.objects.create(task=task, author=w["owner"], period="2026-11", percent=100, progress="完成")
    wf.task_return(task_id=task.pk, actor=w["l_leader"], reason="重做")
    assert Task.objects.get(pk=task.pk).percent == 99


def test_submit_tells_the_reviewers_lead_leader_for_responsible_supervisors_for_lead(w):
    wf.task_submit_completion(task_id=w["resp"].pk, actor=w["r_liaison"], evidence="已完成")
    lead = w["lead"]
    Task.objects.filter(pk=lead.pk).update(status=S.IN_PROGRESS)
    l_liaison = factories.LiaisonFactory(department=w["l"])
    wf.task_submit_completion(task_id=lead.pk, actor=l_liaison, evidence="牵头任务完成")
    deliver()
    rows = ReminderLog.objects.filter(kind=ReminderKind.REVIEW_WAITING, channel="inapp")
    assert sorted((r.task_id, r.recipient_id) for r in rows) == sorted(
        [(w["resp"].pk, w["l_leader"].id), (lead.pk, w["supervisor"].id)]
    )
    assert "申请办结，请审核" in Notification.objects.get(user=w["l_leader"]).body


def test_approve_is_delivered_although_the_task_is_closed(w):
    task = w["resp"]
    wf.task_submit_completion(task_id=task.pk, actor=w["r_liaison"], evidence="已完成")
    wf.task_approve(task_id=task.pk, actor=w["l_leader"], note="同意办结")
    stats = deliver()
    assert stats.skipped == 0
    got = notes(ReminderKind.APPROVED)
    assert set(got) == {w["owner"].id, w["r_liaison"].id}
    assert "审核通过" in got[w["owner"].id].body and "同意办结" in got[w["owner"].id].body


def test_extension_decisions_tell_the_requester_and_handlers_with_the_new_deadline(w):
    task = w["resp"]
    ext = wf.extension_request_create(
        task_id=task.pk, actor=w["r_leader"], reason="等待省级政策", requested_deadline=dt.date(2027, 9, 30)
    )
    wf.extension_approve(extension_id=ext.pk, actor=w["supervisor"], note="同意")
    ext2 = wf.extension_request_create(
        task_id=task.pk, actor=w["owner"], reason="再延", requested_deadline=dt.date(2027, 12, 31)
    )
    wf.extension_refuse(extension_id=ext2.pk, actor=w["supervisor"], note="不同意")
    deliver()
    granted = notes(ReminderKind.EXTENSION_GRANTED)
    assert set(granted) == {w["r_leader"].id, w["owner"].id, w["r_liaison"].id}
    assert "2027-09-30" in granted[w["r_leader"].id].body
    refused = notes(ReminderKind.EXTENSION_REFUSED)
    assert set(refused) == {w["owner"].id, w["r_liaison"].id}
    assert "不同意" in refused[w["owner"].id].body and "2027-09-30" in refused[w["owner"].id].body


def test_decline_tells_the_supervisors(w):
    task = w["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.ASSIGNED)
    wf.task_decline(task_id=task.pk, actor=w["r_liaison"], reason="非本单位职责")
    deliver()
    got = notes(ReminderKind.DECLINED)
    assert set(got) == {w["supervisor"].id}
    assert "非本单位职责" in got[w["supervisor"].id].body


def test_reassign_tells_the_new_department_once_and_the_sweep_sends_no_second_notice(w):
    task = w["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.DECLINED)
    new = factories.DepartmentFactory(name="市新承接局")
    new_liaison = factories.LiaisonFactory(department=new)
    hook = ChannelConfig.objects.create(name="新局群", kind="wecom", url="http://127.0.0.1:9/x", department=new)
    wf.task_reassign(task_id=task.pk, actor=w["supervisor"], department_id=new.pk)
    reminder_sweep()
    rows = ReminderLog.objects.filter(task=task).exclude(status="skipped")
    assert sorted((r.kind, r.target) for r in rows) == [
        (ReminderKind.REASSIGNED, f"u:{new_liaison.id}"),
        (ReminderKind.REASSIGNED, f"w:{hook.id}"),
    ]
    assert not ReminderLog.objects.filter(task=task, kind=ReminderKind.ASSIGNED).exclude(status="skipped").exists()
    deliver()
    assert Notification.objects.filter(user=new_liaison).count() == 1
    assert "改派至 市新承接局" in Notification.objects.get(user=new_liaison).body


def test_inactive_actor_and_muted_users_get_nothing_and_an_event_is_recorded_once(w):
    task = w["resp"]
    w["r_liaison"].is_active = False
    w["r_liaison"].save(update_fields=["is_active"])
    NotificationPreference.objects.create(user=w["owner"], muted_kinds=[ReminderKind.URGED])
    event = AuditEvent.objects.create(
        actor=w["supervisor"], action="task.urge", object_type="urge", object_id="1", task=task, note="请本周内报送"
    )
    ids = [w["owner"].id, w["r_liaison"].id, w["r_leader"].id, w["supervisor"].id]
    record_event(event=event, kind=ReminderKind.URGED, user_ids=ids)
    assert record_event(event=event, kind=ReminderKind.URGED, user_ids=ids) == 0  # exactly once
    assert sorted(ReminderLog.objects.filter(kind=ReminderKind.URGED).values_list("target", flat=True)) == [
        f"u:{w['r_leader'].id}"
    ]
    deliver()
    assert "请本周内报送" in Notification.objects.get(kind=ReminderKind.URGED).body


def test_recipient_helpers(w):
    task = w["resp"]
    assistant = factories.StaffFactory(department=w["r"])
    TaskAssignee.objects.create(task=task, user=assistant, kind=TaskAssignee.Kind.ASSIST)
    assert notify.task_handlers(task) == [w["owner"].id, assistant.id, w["r_liaison"].id]
    lonely = factories.TaskFactory(department=factories.DepartmentFactory())
    boss = factories.LeaderFactory(department=lonely.department)
    assert notify.task_handlers(lonely) == [boss.id]  # nobody else: the 负责人
    assert notify.task_reviewers(task) == [w["l_leader"].id]
    assert notify.task_reviewers(w["lead"]) == [w["supervisor"].id]
    sub = factories.TaskFactory(
        parent=task, measure=task.measure, department=factories.DepartmentFactory(), role=TaskRole.SUB
    )
    assert sorted(notify.task_reviewers(sub)) == sorted([w["r_liaison"].id, w["r_leader"].id])


def test_api_return_notifies(w, client_for):
    task = w["resp"]
    Task.objects.filter(pk=task.pk).update(status=S.SUBMITTED)
    response = client_for(w["l_leader"]).post(f"/api/v1/tasks/{task.pk}/return/", {"reason": "补充材料"}, format="json")
    assert response.status_code == 200, response.content
    deliver()
    assert set(notes(ReminderKind.RETURNED)) == {w["owner"].id, w["r_liaison"].id}
    refused = client_for(w["owner"]).post(f"/api/v1/tasks/{task.pk}/return/", {"reason": "x"}, format="json")
    assert refused.status_code in (403, 409)
    assert Notification.objects.filter(kind=ReminderKind.RETURNED).count() == 2
