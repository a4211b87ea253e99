"""Web defects of issue 10 item 8: department column, reassign choices, report prefill, the unsigned light,
and working days in the overdue list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from tasks.lights import annotate_light, task_light
from tasks.models import Light, Task, TaskRole, TaskStatus
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 2, 2, 0, tzinfo=dt.UTC)  # 2026-07-02 10:00 Beijing, a Thursday


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(resp) -> str:
    assert resp.status_code == 200
    return resp.content.decode()


def _header_cells(html: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head is not None
    return re.findall(r"<th[^>]*>(.*?)</th>", head.group(1))


def _select_options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no <select name={name}>"
    return re.findall(r'<option value="(\d+)"', select.group(1))


# --- a. 任务列表: the 责任部门 column whenever other departments' tasks are listed ---


@pytest.fixture
def lead_measure(department):
    """A measure led by `department`, with a 配合单位 (responsible) task of another department."""
    lead = factories.TaskFactory(department=department, role=TaskRole.LEAD)
    partner = factories.TaskFactory(measure=lead.measure, role=TaskRole.RESPONSIBLE)
    return {"lead": lead, "partner": partner}


def test_lead_department_leader_sees_the_department_column(leader, lead_measure):
    html = _html(login(leader).get("/tasks/"))
    assert "责任部门" in _header_cells(html)
    assert lead_measure["partner"].department.name in html


def test_department_with_only_own_tasks_has_no_department_column(leader, department):
    factories.TaskFactory(department=department)
    html = _html(login(leader).get("/tasks/"))
    assert "责任部门" not in _header_cells(html)


def test_supervisor_always_sees_the_department_column(supervisor):
    factories.TaskFactory()
    assert "责任部门" in _header_cells(_html(login(supervisor).get("/tasks/")))


# --- b. 改派: only departments the service accepts ---


@pytest.fixture
def declined():
    task = factories.TaskFactory(status=TaskStatus.DECLINED)
    taken = factories.TaskFactory(measure=task.measure).department
    free = factories.DepartmentFactory()
    inactive = factories.DepartmentFactory(active=False)
    return {"task": task, "taken": taken, "free": free, "inactive": inactive}


def test_reassign_form_offers_only_departments_without_a_task_on_the_measure(supervisor, declined):
    task = declined["task"]
    options = _select_options(_html(login(supervisor).get(f"/tasks/{task.pk}/")), "department")
    assert str(declined["free"].pk) in options
    for refused in (task.department, declined["taken"], declined["inactive"]):
        assert str(refused.pk) not in options


def test_reassign_post_to_a_department_with_a_task_is_a_form_error_not_a_409(supervisor, declined):
    task = declined["task"]
    client = login(supervisor)
    resp = client.post(f"/tasks/{task.pk}/act/reassign/", {"version": task.version, "department": declined["taken"].pk})
    assert resp.status_code == 400
    task.refresh_from_db()
    assert task.department_id != declined["taken"].pk and task.status == TaskStatus.DECLINED
    resp = client.post(f"/tasks/{task.pk}/act/reassign/", {"version": task.version, "department": declined["free"].pk})
    assert resp.status_code == 302
    assert Task.objects.filter(measure=task.measure, department=declined["free"]).exists()


def test_department_user_gets_no_reassign_form_and_a_403(liaison, declined):
    task = declined["task"]
    task.department = liaison.department
    task.save(update_fields=["department"])
    client = login(liaison)
    assert "<summary>改派</summary>" not in _html(client.get(f"/tasks/{task.pk}/"))
    resp = client.post(f"/tasks/{task.pk}/act/reassign/", {"version": task.version, "department": declined["free"].pk})
    assert resp.status_code == 403


# --- c. 报送进展 prefills the current percent ---


def test_report_form_prefills_the_tasks_current_percent(liaison):
    task = factories.TaskFactory(department=liaison.department, status=TaskStatus.IN_PROGRESS, percent=40)
    html = _html(login(liaison).get(f"/tasks/{task.pk}/"))
    field = re.search(r'<input[^>]*name="percent"[^>]*>', html)
    assert field is not None
    assert 'value="40"' in field.group(0)


# --- d. An unsigned task without a deadline shows no light (gray), never green ---


def test_unsigned_task_without_deadline_has_the_neutral_light_in_python_and_sql():
    unsigned = factories.TaskFactory(deadline=None, original_deadline=None, status=TaskStatus.ASSIGNED)
    working = factories.TaskFactory(deadline=None, original_deadline=None, status=TaskStatus.IN_PROGRESS)
    dated = factories.TaskFactory(deadline=dt.date(2099, 12, 31), status=TaskStatus.ASSIGNED)
    sql = dict(annotate_light(Task.objects.all()).values_list("pk", "light"))
    for task, expected in ((unsigned, Light.NONE), (working, Light.GREEN), (dated, Light.GREEN)):
        assert task_light(task) == expected
        assert sql[task.pk] == expected


def test_unsigned_task_shows_gray_label_and_is_not_counted_green(supervisor, staff):
    task = factories.TaskFactory(
        department=staff.department, deadline=None, original_deadline=None, status=TaskStatus.ASSIGNED
    )
    html = _html(login(staff).get("/tasks/"))
    assert "light-none" in html and "未亮灯" in html and "light-green" not in html
    sup = login(supervisor)
    assert f"/tasks/{task.pk}/" not in _html(sup.get("/tasks/?light=green"))
    assert f"/tasks/{task.pk}/" in _html(sup.get("/tasks/?light=none"))
    body = factories_api(supervisor).get("/api/v1/tasks/?light=green").json()
    assert body["count"] == 0
    assert factories_api(supervisor).get(f"/api/v1/tasks/{task.pk}/").json()["light"] == "none"
    rows = factories_api(supervisor).get("/api/v1/progress/departments/").json()
    row = next(r for r in rows if r["department"]["id"] == staff.department_id)
    assert (row["total"], row["green"], row["yellow"], row["red"]) == (1, 0, 0, 0)


def factories_api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=user)
    return client


# --- Working days on the overdue list (web and API) ---


@time_machine.travel(NOW, tick=False)
def test_overdue_list_counts_working_days(supervisor, liaison):
    # Deadline Friday 2026-06-19 is 端午 itself; (06-19, 07-02] holds 9 working days (06-22 … 07-02).
    task = factories.TaskFactory(deadline=dt.date(2026, 6, 19), status=TaskStatus.IN_PROGRESS)
    html = _html(login(supervisor).get("/overdue/"))
    assert any("逾期（工作日）" in cell for cell in _header_cells(html))  # a sort link since issue 12
    assert "9 个工作日" in html
    rows = factories_api(supervisor).get("/api/v1/overdue/").json()["results"]
    assert [(r["id"], r["days_overdue"]) for r in rows] == [(task.pk, 9)]
    assert login(liaison).get("/overdue/").status_code == 403
    assert factories_api(liaison).get("/api/v1/overdue/").status_code == 403


def test_report_form_prefills_the_percent_just_reported_through_the_web(liaison):
    task = factories.TaskFactory(department=liaison.department, status=TaskStatus.ACCEPTED, percent=0)
    client = login(liaison)
    resp = client.post(
        f"/tasks/{task.pk}/act/report/", {"version": task.version, "percent": 40, "progress": "已完成方案"}
    )
    assert resp.status_code == 302
    html = _html(client.get(f"/tasks/{task.pk}/"))
    field = re.search(r'<input[^>]*name="percent"[^>]*>', html)
    assert field is not None and 'value="40"' in field.group(0)
