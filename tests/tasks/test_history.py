"""The task's 操作记录 (tasks/history.py) on the task page and in the API, for every audit event kind.

Regression: after an extension was approved or refused, the task page answered HTTP 500 for every
user for good — the extension's status `pending` was read as a task status.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from tasks.history import AUDIT_LABELS, task_history
from tasks.models import AuditEvent, ReportingCycle, TaskRole, TaskStatus
from tasks.services import oversight
from tasks.services import workflow as wf
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    dept_r = factories.DepartmentFactory(name="市责任局")
    dept_l = factories.DepartmentFactory(name="市牵头局")
    doc = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY)
    measure = factories.MeasureFactory(document=doc)
    factories.TaskFactory(measure=measure, department=dept_l, role=TaskRole.LEAD)
    resp = factories.TaskFactory(measure=measure, department=dept_r, role=TaskRole.RESPONSIBLE)
    users = {
        "r_staff": factories.StaffFactory(department=dept_r),
        "r_leader": factories.LeaderFactory(department=dept_r),
        "l_leader": factories.LeaderFactory(department=dept_l),
        "supervisor": factories.SupervisorFactory(),
    }
    return {"task": resp, "users": users}


def _viewers_see_the_page_and_the_history(world) -> list[str]:
    task = world["task"]
    pages = []
    for user in world["users"].values():
        client = Client()
        client.force_login(user)
        resp = client.get(f"/tasks/{task.pk}/")
        assert resp.status_code == 200, (user, resp.status_code)
        pages.append(resp.content.decode())
        api = Client()
        api.force_login(user)
        history = api.get(f"/api/v1/tasks/{task.pk}/history/")
        assert history.status_code == 200, (user, history.content)
        body = history.json()
        assert len(body) == AuditEvent.objects.filter(task=task).count()
        assert all(line["action_label"] == AUDIT_LABELS.get(line["action"], line["action"]) for line in body)
    return pages


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_task_page_and_history_after_an_extension_is_decided(world, decision):
    task = world["task"]
    users = world["users"]
    ext = wf.extension_request_create(task_id=task.pk, actor=users["r_leader"], reason="等待省级政策",
                                      requested_deadline=dt.date(2027, 3, 31))
    if decision == "approve":
        wf.extension_approve(extension_id=ext.pk, actor=users["supervisor"], note="同意")
    else:
        wf.extension_refuse(extension_id=ext.pk, actor=users["supervisor"], note="理由不充分")
    pages = _viewers_see_the_page_and_the_history(world)
    label = "批准延期申请" if decision == "approve" else "不批准延期申请"
    assert all(label in page for page in pages)
    change = "待审批 → 已批准" if decision == "approve" else "待审批 → 未批准"
    assert any(line["change"] == change for line in task_history(task))


@time_machine.travel(NOW, tick=False)
def test_a_whole_lifecycle_renders_with_every_line_labelled(world):
    task = world["task"]
    u = world["users"]
    wf.task_accept(task_id=task.pk, actor=u["r_leader"])
    wf.task_start(task_id=task.pk, actor=u["r_staff"])
    wf.task_report_progress(task_id=task.pk, actor=u["r_staff"], percent=40, progress="推进中")
    ext = wf.extension_request_create(task_id=task.pk, actor=u["r_leader"], reason="x",
                                      requested_deadline=dt.date(2027, 1, 31))
    wf.extension_refuse(extension_id=ext.pk, actor=u["supervisor"], note="不同意")
    oversight.task_set_deadline(task_id=task.pk, actor=u["supervisor"], deadline=dt.date(2027, 1, 15), reason="顺延")
    oversight.task_urge(task_id=task.pk, actor=u["supervisor"], message="请加快")
    wf.task_submit_completion(task_id=task.pk, actor=u["r_leader"], evidence="已完成")
    wf.task_return(task_id=task.pk, actor=u["l_leader"], reason="材料不全")
    wf.task_submit_completion(task_id=task.pk, actor=u["r_leader"], evidence="已补充")
    wf.task_approve(task_id=task.pk, actor=u["l_leader"])
    lines = task_history(task)
    assert all(line["label"] != line["action"] for line in lines), [line["action"] for line in lines]
    assert any(line["change"] == "申请办结 → 已办结" for line in lines)
    assert any("完成时限 2026年12月31日 → 2027年01月15日" in line["change"] for line in lines)
    _viewers_see_the_page_and_the_history(world)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("action", sorted(AUDIT_LABELS))
def test_every_audit_kind_renders_whatever_its_snapshots_hold(world, action):
    """A line never trusts before/after: odd statuses, odd dates and other object types all render."""
    task = world["task"]
    for object_type, before, after in [
        ("task", {"status": "assigned"}, {"status": "accepted"}),
        ("extensionrequest", {"status": "pending"}, {"status": "approved"}),
        ("urge", {"status": "something-new"}, {"status": "other", "deadline": "not a date"}),
        ("task", {"deadline": None}, {"deadline": "2027-01-01"}),
    ]:
        AuditEvent.objects.create(actor=None, action=action, object_type=object_type, object_id=str(task.pk),
                                  task=task, before=before, after=after, note="备注")
    pages = _viewers_see_the_page_and_the_history(world)
    assert all(AUDIT_LABELS[action] in page for page in pages)


def test_every_audit_action_written_by_the_code_has_a_label():
    """Scan the services: a new audit action without a Chinese label fails here, not on a user's screen."""
    sources = [*ROOT.glob("tasks/services/*.py"), *ROOT.glob("tasks/*.py"), *ROOT.glob("departments/*.py")]
    pattern = re.compile(r"""action=["']((?:task|extension)[._][a-z_.]+)["']""")
    found = {m.group(1) for path in sources for m in pattern.finditer(path.read_text(encoding="utf-8"))}
    assert {"task.accept", "task.set_deadline", "task.urge", "extension.approve"} <= found
    assert sorted(found - set(AUDIT_LABELS)) == []


def test_history_labels_statuses_in_chinese():
    assert TaskStatus.SUBMITTED.label == "申请办结"
