"""调整完成时限 and 催办 (tasks/services/oversight.py): rules, roles, API and web."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from accounts.tokens import api_token_create
from common.errors import ConflictError, DomainError, PermissionDeniedError
from reminders.models import ReminderLog
from tasks.models import AuditEvent, Task, TaskRole, TaskStatus, Urge
from tasks.selectors import task_get_for_user
from tasks.services import oversight
from tasks.services import workflow as wf
from tasks.workflow import Action, allowed_actions
from tests import factories

S = TaskStatus
# 2026-07-01 10:00 Beijing: every deadline below is in the future.
NOW = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    """factories.lead_and_responsible_world: tasks of 市牵头局 (L) and 市责任局 (R); users of R, L, O, 督查室."""
    return factories.lead_and_responsible_world(status=S.IN_PROGRESS)


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- 调整完成时限 ---


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("role", ["r_staff", "r_liaison", "r_leader", "l_leader", "l_liaison", "o_leader"])
def test_only_the_supervisor_may_set_a_deadline(world, role):
    task = world["resp"]
    user = world["users"][role]
    assert Action.SET_DEADLINE not in allowed_actions(task, user)
    with pytest.raises(PermissionDeniedError):
        oversight.task_set_deadline(task_id=task.pk, actor=user, deadline=dt.date(2027, 1, 31), reason="顺延")
    task.refresh_from_db()
    assert (task.deadline, task.version) == (dt.date(2026, 12, 31), 1)


@time_machine.travel(dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC), tick=False)  # overdue since 2026-12-31
def test_supervisor_moves_an_overdue_deadline_and_assessment_keeps_the_original(world):
    task = world["resp"]
    sup = world["users"]["supervisor"]
    assert task_get_for_user(user=sup, task_id=task.pk).overdue is True
    oversight.task_set_deadline(task_id=task.pk, actor=sup, deadline=dt.date(2027, 1, 19), reason="电话申请两周",
                                expected_version=1)
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline, task.version) == (dt.date(2027, 1, 19), dt.date(2026, 12, 31), 2)
    assert task_get_for_user(user=sup, task_id=task.pk).overdue is False
    event = AuditEvent.objects.get(task=task, action="task.set_deadline")
    assert (event.before["deadline"], event.after["deadline"]) == ("2026-12-31", "2027-01-19")
    assert event.note == "电话申请两周"
    # A second change keeps the first original date.
    oversight.task_set_deadline(task_id=task.pk, actor=sup, deadline=dt.date(2027, 2, 1), reason="再顺延")
    task.refresh_from_db()
    assert task.original_deadline == dt.date(2026, 12, 31)
    # The department is told (one event notice per person, in-app at least).
    kinds = set(ReminderLog.objects.filter(task=task, kind="deadline_changed").values_list("recipient_id", flat=True))
    assert world["users"]["r_liaison"].pk in kinds


@time_machine.travel(NOW, tick=False)
def test_set_deadline_refuses_bad_input_and_closed_tasks(world):
    task = world["resp"]
    sup = world["users"]["supervisor"]
    with pytest.raises(DomainError, match="说明理由"):
        oversight.task_set_deadline(task_id=task.pk, actor=sup, deadline=dt.date(2027, 1, 31), reason=" ")
    with pytest.raises(DomainError, match="早于今天"):
        oversight.task_set_deadline(task_id=task.pk, actor=sup, deadline=dt.date(2026, 6, 1), reason="x")
    with pytest.raises(DomainError, match="相同"):
        oversight.task_set_deadline(task_id=task.pk, actor=sup, deadline=dt.date(2026, 12, 31), reason="x")
    Task.objects.filter(pk=task.pk).update(status=S.FINISHED)
    with pytest.raises(ConflictError, match="已办结"):
        oversight.task_set_deadline(task_id=task.pk, actor=sup, deadline=dt.date(2027, 1, 31), reason="x")
    assert not AuditEvent.objects.filter(action="task.set_deadline").exists()


@time_machine.travel(NOW, tick=False)
def test_sub_task_deadlines_stay_inside_the_parent(world):
    sup = world["users"]["supervisor"]
    parent = world["resp"]
    section = factories.DepartmentFactory(name="市责任局综合科", parent=world["depts"]["r"])
    child = factories.TaskFactory(measure=parent.measure, department=section, role=TaskRole.SUB, parent=parent,
                                  deadline=dt.date(2026, 11, 30), status=S.ACCEPTED)
    with pytest.raises(ConflictError, match="不能晚于上级任务"):
        oversight.task_set_deadline(task_id=child.pk, actor=sup, deadline=dt.date(2027, 1, 31), reason="x")
    with pytest.raises(ConflictError, match="分解任务"):
        oversight.task_set_deadline(task_id=parent.pk, actor=sup, deadline=dt.date(2026, 10, 31), reason="x")
    oversight.task_set_deadline(task_id=child.pk, actor=sup, deadline=dt.date(2026, 12, 15), reason="x")
    child.refresh_from_db()
    assert child.deadline == dt.date(2026, 12, 15)


# --- 延期 (overdue) through the web ---


@time_machine.travel(dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC), tick=False)
def test_an_overdue_unit_asks_for_two_more_weeks_in_the_web_ui_and_the_supervisor_grants_it(world):
    task = world["resp"]
    users = world["users"]
    client = _login(users["r_liaison"])
    resp = client.post(f"/tasks/{task.pk}/act/extend/",
                       {"version": 1, "requested_deadline": "2027-01-19", "reason": "配套资金未到位"})
    assert resp.status_code == 302
    ext = task.extensions.get()
    assert ext.was_overdue is True
    waiting = ReminderLog.objects.filter(task=task, kind="review_waiting", channel="inapp")
    assert list(waiting.values_list("recipient_id", flat=True)) == [users["supervisor"].pk]
    from reminders.services import render_message

    assert "申请延期至 2027-01-19（已逾期后申请）" in render_message(waiting.get()).body
    page = _login(users["supervisor"]).get(f"/tasks/{task.pk}/").content.decode()
    assert "逾期后申请" in page
    resp = _login(users["supervisor"]).post(
        f"/tasks/{task.pk}/act/extension_decide/",
        {"version": 2, "extension": ext.pk, "decision": "approve", "note": "同意"},
    )
    assert resp.status_code == 302
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (dt.date(2027, 1, 19), dt.date(2026, 12, 31))
    for user in (users["supervisor"], users["r_liaison"], users["l_leader"]):
        assert _login(user).get(f"/tasks/{task.pk}/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_supervisor_sets_a_deadline_in_the_web_ui_and_a_department_user_cannot(world):
    task = world["resp"]
    sup_client = _login(world["users"]["supervisor"])
    assert "<summary>调整完成时限</summary>" in sup_client.get(f"/tasks/{task.pk}/").content.decode()
    resp = sup_client.post(f"/tasks/{task.pk}/act/set_deadline/",
                           {"version": 1, "deadline": "2027-02-28", "reason": "市政府同意顺延"})
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.deadline == dt.date(2027, 2, 28)
    page = sup_client.get(f"/tasks/{task.pk}/").content.decode()
    assert "调整完成时限" in page and "市政府同意顺延" in page and "2026年12月31日 → 2027年02月28日" in page
    r_client = _login(world["users"]["r_leader"])
    assert "<summary>调整完成时限</summary>" not in r_client.get(f"/tasks/{task.pk}/").content.decode()
    resp = r_client.post(f"/tasks/{task.pk}/act/set_deadline/",
                         {"version": 2, "deadline": "2027-03-31", "reason": "x"})
    assert resp.status_code == 403
    task.refresh_from_db()
    assert task.deadline == dt.date(2027, 2, 28)


# --- 催办 ---

URGE_ALLOWED_ON_RESPONSIBLE = {"supervisor", "l_leader"}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("role", ["r_staff", "r_liaison", "r_leader", "l_leader", "l_liaison", "o_leader",
                                  "supervisor"])
def test_who_may_urge_a_responsible_task(world, role):
    task = world["resp"]
    user = world["users"][role]
    allowed = role in URGE_ALLOWED_ON_RESPONSIBLE
    assert (Action.URGE in allowed_actions(task, user)) == allowed
    if allowed:
        urge = oversight.task_urge(task_id=task.pk, actor=user, message="请抓紧报送")
        assert urge.task_id == task.pk
    else:
        with pytest.raises(PermissionDeniedError):
            oversight.task_urge(task_id=task.pk, actor=user, message="请抓紧报送")
        assert not Urge.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_lead_leader_cannot_urge_the_lead_task_only_the_supervisor_can(world):
    with pytest.raises(PermissionDeniedError):
        oversight.task_urge(task_id=world["lead"].pk, actor=world["users"]["l_leader"], message="x")
    oversight.task_urge(task_id=world["lead"].pk, actor=world["users"]["supervisor"], message="x")
    assert Urge.objects.filter(task=world["lead"]).count() == 1


def test_urge_is_recorded_counted_announced_and_once_a_day(world):
    task = world["resp"]
    users = world["users"]
    with time_machine.travel(NOW, tick=False):
        oversight.task_urge(task_id=task.pk, actor=users["supervisor"], message="请于周五前报送进展")
        with pytest.raises(ConflictError, match="今天已催办"):
            oversight.task_urge(task_id=task.pk, actor=users["supervisor"], message="再催")
        oversight.task_urge(task_id=task.pk, actor=users["l_leader"], message="牵头单位催办")
    task.refresh_from_db()
    assert task.version == 1  # not a change of the task: the department's open forms stay valid
    event = AuditEvent.objects.filter(task=task, action="task.urge").first()
    assert event is not None and event.note == "牵头单位催办"
    recipients = set(ReminderLog.objects.filter(task=task, kind="urged").values_list("recipient_id", flat=True))
    assert {users["r_liaison"].pk, users["r_leader"].pk} <= recipients
    assert users["o_leader"].pk not in recipients
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        oversight.task_urge(task_id=task.pk, actor=users["supervisor"], message="第二天再催")
        assert task_get_for_user(user=users["supervisor"], task_id=task.pk).urge_count == 3


@time_machine.travel(NOW, tick=False)
def test_urging_a_closed_task_is_refused(world):
    Task.objects.filter(pk=world["resp"].pk).update(status=S.FINISHED)
    with pytest.raises(ConflictError):
        oversight.task_urge(task_id=world["resp"].pk, actor=world["users"]["supervisor"], message="x")


@time_machine.travel(NOW, tick=False)
def test_bulk_urge_skips_what_cannot_be_urged(world):
    users = world["users"]
    done = factories.TaskFactory(measure=world["resp"].measure, department=world["depts"]["o"], status=S.FINISHED)
    result = oversight.tasks_urge_bulk(actor=users["l_leader"], tasks=[world["resp"], world["lead"], done],
                                       message="统一催办")
    assert result.urged == [world["resp"].pk]
    assert set(result.skipped) == {world["lead"].pk, done.pk}
    assert Urge.objects.filter(batch=result.batch).count() == 1
    with pytest.raises(DomainError, match="催办内容"):
        oversight.tasks_urge_bulk(actor=users["supervisor"], tasks=[world["resp"]], message="")


# --- API ---


@time_machine.travel(NOW, tick=False)
def test_api_urge_and_set_deadline_by_role(world, client_for):
    task = world["resp"]
    users = world["users"]
    resp = client_for(users["supervisor"]).post(f"/api/v1/tasks/{task.pk}/urge/", {"message": "请报送"}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["message"] == "请报送"
    assert client_for(users["r_leader"]).post(f"/api/v1/tasks/{task.pk}/urge/", {"message": "x"},
                                              format="json").status_code == 403
    assert client_for(users["o_leader"]).post(f"/api/v1/tasks/{task.pk}/urge/", {"message": "x"},
                                              format="json").status_code == 404
    detail = client_for(users["supervisor"]).get(f"/api/v1/tasks/{task.pk}/").json()
    assert detail["urge_count"] == 1 and "urge" in detail["allowed_actions"]
    resp = client_for(users["r_leader"]).post(f"/api/v1/tasks/{task.pk}/set_deadline/",
                                              {"deadline": "2027-03-31", "reason": "x"}, format="json")
    assert resp.status_code == 403
    resp = client_for(users["supervisor"]).post(f"/api/v1/tasks/{task.pk}/set_deadline/",
                                                {"deadline": "2027-03-31", "reason": "顺延", "version": 1},
                                                format="json")
    assert resp.status_code == 200, resp.content
    assert (resp.json()["deadline"], resp.json()["original_deadline"]) == ("2027-03-31", "2026-12-31")
    stale = client_for(users["supervisor"]).post(f"/api/v1/tasks/{task.pk}/set_deadline/",
                                                 {"deadline": "2027-04-30", "reason": "再顺延", "version": 1},
                                                 format="json")
    assert stale.status_code == 409


@time_machine.travel(NOW, tick=False)
def test_api_bulk_urge_by_filter_and_read_only_token_refused(world, api_client):
    users = world["users"]
    other = factories.TaskFactory(measure=factories.MeasureFactory(document=world["resp"].measure.document),
                                  department=world["depts"]["o"], status=S.IN_PROGRESS)
    client = api_client
    client.force_authenticate(users["supervisor"])
    resp = client.post(f"/api/v1/tasks/urge/?department={world['depts']['o'].pk}", {"message": "限期办理"},
                       format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["urged"] == [other.pk]
    assert list(Urge.objects.values_list("task_id", flat=True)) == [other.pk]
    _token, secret = api_token_create(user=users["supervisor"], name="大屏", read_only=True)
    ro = type(api_client)()
    ro.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    resp = ro.post("/api/v1/tasks/urge/", {"message": "x", "task_ids": [world["resp"].pk]}, format="json")
    assert resp.status_code == 403
    assert Urge.objects.count() == 1


# --- Web: bulk 催办 from the task list ---


@time_machine.travel(NOW, tick=False)
def test_bulk_urge_from_the_filtered_task_list(world):
    users = world["users"]
    client = _login(users["supervisor"])
    page = client.get("/tasks/", {"department": world["depts"]["r"].pk}).content.decode()
    assert "批量催办当前筛选结果（1 项）" in page
    resp = client.post("/tasks/urge/", {"querystring": f"department={world['depts']['r'].pk}", "message": "请加快"},
                       follow=True)
    assert "已催办 1 项任务" in resp.content.decode()
    assert list(Urge.objects.values_list("task_id", flat=True)) == [world["resp"].pk]
    # A department user without anything to urge sees no bulk form.
    assert "批量催办" not in _login(users["r_staff"]).get("/tasks/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_urge_from_the_task_page(world):
    task = world["resp"]
    client = _login(world["users"]["l_leader"])
    assert "催办" in client.get(f"/tasks/{task.pk}/").content.decode()
    resp = client.post(f"/tasks/{task.pk}/act/urge/", {"version": 1, "message": "请牵头单位配合"}, follow=True)
    html = resp.content.decode()
    assert "已催办" in html and "请牵头单位配合" in html
    assert Urge.objects.filter(task=task).count() == 1
    wf.task_report_progress(task_id=task.pk, actor=world["users"]["r_staff"], percent=50, progress="推进中")


@time_machine.travel(NOW, tick=False)
def test_a_bulk_urge_reaches_each_person_as_one_message(world):
    from reminders.models import Notification
    from reminders.services import reminder_deliver_pending

    users = world["users"]
    dept = world["depts"]["r"]
    more = [factories.TaskFactory(department=dept, status=S.IN_PROGRESS) for _ in range(2)]
    result = oversight.tasks_urge_bulk(actor=users["supervisor"], tasks=[world["resp"], *more],
                                       message="红灯任务限期说明")
    assert len(result.urged) == 3
    reminder_deliver_pending()
    notes = Notification.objects.filter(user=users["r_liaison"], kind="urged")
    assert notes.count() == 1
    note = notes.get()
    assert note.title == "【催办】3 项任务被催办"
    assert note.body.count("红灯任务限期说明") == 3
    assert ReminderLog.objects.filter(kind="urged", recipient=users["r_liaison"], status="sent").count() == 3
