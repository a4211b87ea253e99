"""指派承办人 (主办 + 协办) and 我的待办: the service, the workflow rights it gives, the API."""

from __future__ import annotations

import datetime as dt

import pytest

from common.errors import ConflictError, DomainError, PermissionDeniedError, StaleWriteError
from reminders.models import ReminderLog
from tasks.models import AuditEvent, ProgressReport, Task, TaskAssignee, TaskRole, TaskStatus
from tasks.services import handling
from tasks.services import workflow as wf
from tasks.workflow import Action, allowed_actions
from tests import factories

S = TaskStatus


@pytest.fixture
def unit(db):
    """市甲局 (a lead task, accepted) with liaison, leader, three staff; 市乙局 with a leader; 督查室."""
    dept = factories.DepartmentFactory(name="市甲局")
    other = factories.DepartmentFactory(name="市乙局")
    task = factories.TaskFactory(department=dept, role=TaskRole.LEAD, status=S.ACCEPTED, deadline=dt.date(2099, 12, 31))
    return {
        "task": task,
        "dept": dept,
        "liaison": factories.LiaisonFactory(department=dept, full_name="甲联络员"),
        "leader": factories.LeaderFactory(department=dept, full_name="甲负责人"),
        "zhang": factories.StaffFactory(department=dept, full_name="张三"),
        "li": factories.StaffFactory(department=dept, full_name="李四"),
        "wang": factories.StaffFactory(department=dept, full_name="王五"),
        "other_leader": factories.LeaderFactory(department=other),
        "other_staff": factories.StaffFactory(department=other, full_name="乙承办"),
        "supervisor": factories.SupervisorFactory(),
    }


def _kinds(task: Task) -> dict[int, str]:
    return dict(TaskAssignee.objects.filter(task=task).values_list("user_id", "kind"))


# --- Service ---


def test_liaison_assigns_main_and_assist(unit):
    task, zhang, li = unit["task"], unit["zhang"], unit["li"]
    saved = handling.task_assign_handlers(
        task_id=task.pk, actor=unit["liaison"], main_user_id=zhang.pk, assist_user_ids=[li.pk], expected_version=1
    )
    assert _kinds(task) == {zhang.pk: "main", li.pk: "assist"}
    task.refresh_from_db()
    assert task.owner_id == zhang.pk and task.version == 2 == saved.version
    event = AuditEvent.objects.get(task=task, action="task.assign_handlers")
    assert event.note == "主办：张三；协办：李四"
    assert event.after["owner"] == zhang.pk and event.before["owner"] is None
    row = TaskAssignee.objects.get(task=task, user=li)
    assert row.assigned_by_id == unit["liaison"].pk


def test_new_handlers_are_notified_once(unit, monkeypatch):
    calls = []
    monkeypatch.setattr(handling, "notify_event", lambda **kw: calls.append(kw))
    task, zhang, li, wang = unit["task"], unit["zhang"], unit["li"], unit["wang"]
    handling.task_assign_handlers(task_id=task.pk, actor=unit["leader"], main_user_id=zhang.pk, assist_user_ids=[li.pk])
    assert len(calls) == 1
    assert calls[0]["kind"] == "handler_assigned" and sorted(calls[0]["user_ids"]) == sorted([zhang.pk, li.pk])
    assert calls[0]["event"].action == "task.assign_handlers" and calls[0]["event"].task_id == task.pk
    # Same 主办, 王五 added: only 王五 hears about it.
    handling.task_assign_handlers(
        task_id=task.pk, actor=unit["leader"], main_user_id=zhang.pk, assist_user_ids=[li.pk, wang.pk]
    )
    assert calls[1]["user_ids"] == [wang.pk]


def test_notice_rows_are_written_for_the_new_handler(unit):
    task, zhang = unit["task"], unit["zhang"]
    handling.task_assign_handlers(task_id=task.pk, actor=unit["liaison"], main_user_id=zhang.pk)
    rows = ReminderLog.objects.filter(kind="handler_assigned", recipient=zhang, task=task)
    assert rows.exists()
    assert not ReminderLog.objects.filter(kind="handler_assigned", recipient=unit["liaison"]).exists()


def test_reassigning_replaces_the_set_and_may_swap_main_and_assist(unit):
    task, zhang, li, wang = unit["task"], unit["zhang"], unit["li"], unit["wang"]
    handling.task_assign_handlers(
        task_id=task.pk, actor=unit["liaison"], main_user_id=zhang.pk, assist_user_ids=[li.pk, wang.pk]
    )
    handling.task_assign_handlers(
        task_id=task.pk, actor=unit["liaison"], main_user_id=li.pk, assist_user_ids=[zhang.pk, li.pk]
    )
    # 李四 is 主办 (listed as 协办 too: 主办 wins), 张三 协办, 王五 dropped; still exactly one 主办.
    assert _kinds(task) == {li.pk: "main", zhang.pk: "assist"}
    task.refresh_from_db()
    assert task.owner_id == li.pk


@pytest.mark.parametrize("who", ["zhang", "other_leader", "supervisor"])
def test_only_the_departments_liaison_or_leader_may_assign(unit, who):
    with pytest.raises(PermissionDeniedError) as exc:
        handling.task_assign_handlers(task_id=unit["task"].pk, actor=unit[who], main_user_id=unit["zhang"].pk)
    assert "指派承办人" in exc.value.message
    assert not TaskAssignee.objects.exists()


def test_handlers_must_be_active_members_of_the_department(unit):
    task = unit["task"]
    with pytest.raises(DomainError) as exc:
        handling.task_assign_handlers(task_id=task.pk, actor=unit["liaison"], main_user_id=unit["other_staff"].pk)
    assert "必须是“市甲局”的在职人员" in exc.value.message and "乙承办" in exc.value.message
    wang = unit["wang"]
    wang.is_active = False
    wang.save()
    with pytest.raises(DomainError):
        handling.task_assign_handlers(
            task_id=task.pk, actor=unit["liaison"], main_user_id=unit["zhang"].pk, assist_user_ids=[wang.pk]
        )
    assert not TaskAssignee.objects.exists()
    task.refresh_from_db()
    assert task.owner_id is None and task.version == 1


def test_assigning_refused_on_a_closed_task_and_on_a_stale_version(unit):
    task = unit["task"]
    with pytest.raises(StaleWriteError):
        handling.task_assign_handlers(
            task_id=task.pk, actor=unit["liaison"], main_user_id=unit["zhang"].pk, expected_version=7
        )
    Task.objects.filter(pk=task.pk).update(status=S.FINISHED)
    with pytest.raises(ConflictError):
        handling.task_assign_handlers(task_id=task.pk, actor=unit["liaison"], main_user_id=unit["zhang"].pk)


# --- The rights an assignment gives ---


def test_assist_handler_may_submit_only_after_being_assigned(unit):
    task, li = unit["task"], unit["li"]
    Task.objects.filter(pk=task.pk).update(status=S.IN_PROGRESS)
    with pytest.raises(PermissionDeniedError):
        wf.task_submit_completion(task_id=task.pk, actor=li, evidence="已完成")
    handling.task_assign_handlers(
        task_id=task.pk, actor=unit["liaison"], main_user_id=unit["zhang"].pk, assist_user_ids=[li.pk]
    )
    wf.task_submit_completion(task_id=task.pk, actor=li, evidence="已完成")
    task.refresh_from_db()
    assert task.status == S.SUBMITTED
    assert ProgressReport.objects.get(task=task, kind="completion").author_id == li.pk


def test_allowed_actions_without_annotation_query_the_assignment(unit):
    task, wang = unit["task"], unit["wang"]
    Task.objects.filter(pk=task.pk).update(status=S.IN_PROGRESS)
    task.refresh_from_db()
    assert Action.SUBMIT not in allowed_actions(task, wang)
    TaskAssignee.objects.create(task=task, user=wang, kind="assist")
    assert Action.SUBMIT in allowed_actions(task, wang)
    assert Action.EXTEND in allowed_actions(task, wang)


# --- API ---


def test_api_assign_handlers_and_the_submit_right(unit, client_for):
    task, zhang, li = unit["task"], unit["zhang"], unit["li"]
    url = f"/api/v1/tasks/{task.pk}/assign_handlers/"
    body = {"main_user_id": zhang.pk, "assist_user_ids": [li.pk], "version": 1}
    assert client_for(li).get(f"/api/v1/tasks/{task.pk}/").json()["allowed_actions"] == ["start", "report"]
    assert client_for(zhang).post(url, body, format="json").status_code == 403
    assert client_for(unit["other_leader"]).post(url, body, format="json").status_code == 404
    resp = client_for(unit["liaison"]).post(url, body, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["owner"]["id"] == zhang.pk and data["version"] == 2
    assert sorted((a["id"], a["kind"], a["kind_display"], a["name"]) for a in data["assignees"]) == sorted(
        [(zhang.pk, "main", "主办", "张三"), (li.pk, "assist", "协办", "李四")]
    )
    # The 协办 now sees 申请办结 among the actions (list view: annotated, no extra query).
    row = client_for(li).get("/api/v1/tasks/").json()["results"][0]
    assert "submit" in row["allowed_actions"] and row["assignees"] is None
    stale = client_for(unit["liaison"]).post(url, body, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"


def test_api_assign_handlers_refuses_an_outsider_in_chinese(unit, client_for):
    resp = client_for(unit["liaison"]).post(
        f"/api/v1/tasks/{unit['task'].pk}/assign_handlers/", {"main_user_id": unit["other_staff"].pk}, format="json"
    )
    assert resp.status_code == 400
    assert "在职人员" in resp.json()["detail"]


def test_api_mine_lists_open_tasks_of_the_handler(unit, client_for):
    task, zhang, li = unit["task"], unit["zhang"], unit["li"]
    measure2 = factories.MeasureFactory()
    owned = factories.TaskFactory(measure=measure2, department=unit["dept"], owner=zhang, status=S.IN_PROGRESS)
    factories.TaskFactory(department=unit["dept"], owner=zhang, status=S.FINISHED)  # closed: not 待办
    factories.TaskFactory(department=unit["dept"], status=S.IN_PROGRESS)  # nobody's
    handling.task_assign_handlers(
        task_id=task.pk, actor=unit["liaison"], main_user_id=li.pk, assist_user_ids=[zhang.pk]
    )
    ids = [r["id"] for r in client_for(zhang).get("/api/v1/tasks/?mine=1").json()["results"]]
    assert sorted(ids) == sorted([task.pk, owned.pk])
    assert [r["id"] for r in client_for(li).get("/api/v1/tasks/?mine=true").json()["results"]] == [task.pk]
    assert client_for(unit["wang"]).get("/api/v1/tasks/?mine=1").json()["results"] == []
    # Without the filter the department sees all four.
    assert client_for(zhang).get("/api/v1/tasks/").json()["count"] == 4
