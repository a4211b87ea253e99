"""Web UI of 指派承办人, 分解下达, the 分解任务 table, the approve override and 我的待办."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from departments.models import DepartmentKind
from tasks.models import AuditEvent, Task, TaskAssignee, TaskRole, TaskStatus
from tests import factories

pytestmark = pytest.mark.django_db
S = TaskStatus


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def w(db):
    county = factories.DepartmentFactory(name="江海县人民政府", kind=DepartmentKind.COUNTY)
    bureau = factories.DepartmentFactory(name="江海县甲局", parent=county)
    town = factories.DepartmentFactory(name="江海县乙镇", kind=DepartmentKind.TOWNSHIP, parent=county)
    other = factories.DepartmentFactory(name="市丙局")
    task = factories.TaskFactory(
        department=county, role=TaskRole.LEAD, status=S.ACCEPTED, deadline=dt.date(2099, 12, 31)
    )
    return {
        "task": task,
        "county": county,
        "bureau": bureau,
        "town": town,
        "other": other,
        "liaison": factories.LiaisonFactory(department=county, full_name="县联络员"),
        "zhang": factories.StaffFactory(department=county, full_name="张三"),
        "li": factories.StaffFactory(department=county, full_name="李四"),
        "outsider": factories.StaffFactory(department=other, full_name="丙局人员"),
        "bureau_liaison": factories.LiaisonFactory(department=bureau),
        "town_liaison": factories.LiaisonFactory(department=town),
        "supervisor": factories.SupervisorFactory(),
    }


def _page(client, task) -> str:
    resp = client.get(f"/tasks/{task.pk}/")
    assert resp.status_code == 200
    return resp.content.decode()


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return match.group(1)


# --- 指派承办人 ---


def test_assign_panel_lists_department_members_for_the_liaison_only(w):
    html = _page(login(w["liaison"]), w["task"])
    assert "<summary>指派承办人</summary>" in html
    options = _select(html, "main")
    assert "张三（承办人）" in options and "李四（承办人）" in options and "丙局人员" not in options
    assert "指派承办人</summary>" not in _page(login(w["zhang"]), w["task"])


def test_assign_via_the_form_then_the_assist_may_submit(w):
    task, zhang, li = w["task"], w["zhang"], w["li"]
    Task.objects.filter(pk=task.pk).update(status=S.IN_PROGRESS)
    assert "<summary>申请办结</summary>" not in _page(login(li), task)
    resp = login(w["liaison"]).post(
        f"/tasks/{task.pk}/act/assign_handlers/", {"version": 1, "main": zhang.pk, "assist": [li.pk]}
    )
    assert resp.status_code == 302
    assert dict(TaskAssignee.objects.filter(task=task).values_list("user_id", "kind")) == {
        zhang.pk: "main",
        li.pk: "assist",
    }
    html = _page(login(li), task)
    assert (
        '张三<span class="muted small">（主办）</span>' in html
        and '李四<span class="muted small">（协办）</span>' in html
    )
    assert "<summary>申请办结</summary>" in html
    resp = login(li).post(f"/tasks/{task.pk}/act/submit/", {"version": 2, "evidence": "已完成"})
    assert resp.status_code == 302
    assert Task.objects.get(pk=task.pk).status == S.SUBMITTED


def test_assigning_an_outsider_by_hand_is_refused(w):
    resp = login(w["liaison"]).post(
        f"/tasks/{w['task'].pk}/act/assign_handlers/", {"version": 1, "main": w["outsider"].pk}
    )
    assert resp.status_code == 400
    assert not TaskAssignee.objects.exists()


def test_staff_posting_the_assign_form_gets_403(w):
    resp = login(w["zhang"]).post(f"/tasks/{w['task'].pk}/act/assign_handlers/", {"version": 1, "main": w["zhang"].pk})
    assert resp.status_code == 403
    assert "指派承办人" in resp.content.decode()
    assert not TaskAssignee.objects.exists()


# --- 分解下达 ---


def test_decompose_panel_offers_only_units_below(w):
    html = _page(login(w["liaison"]), w["task"])
    assert "<summary>分解下达</summary>" in html
    options = _select(html, "department_1")
    assert "江海县甲局" in options and "江海县乙镇" in options
    assert "市丙局" not in options and "江海县人民政府" not in options
    assert 'max="2099-12-31"' in html
    assert "<summary>分解下达</summary>" not in _page(login(w["zhang"]), w["task"])


def test_decompose_via_the_form_and_the_subtask_table(w):
    task = w["task"]
    resp = login(w["liaison"]).post(
        f"/tasks/{task.pk}/act/decompose/",
        {
            "version": 1,
            "department_1": w["bureau"].pk,
            "deadline_1": "2099-06-30",
            "note_1": "负责摸底",
            "department_2": w["town"].pk,
            "deadline_2": "2099-09-30",
            "note_2": "",
            "department_3": "",
            "deadline_3": "",
            "note_3": "",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:500]
    subs = Task.objects.filter(parent=task).order_by("deadline")
    assert [(s.department.name, s.deadline) for s in subs] == [
        ("江海县甲局", dt.date(2099, 6, 30)),
        ("江海县乙镇", dt.date(2099, 9, 30)),
    ]
    html = _page(login(w["liaison"]), task)
    assert "<h2>分解任务</h2>" in html and "未办结 <strong>2</strong> 项" in html
    for sub in subs:
        assert f'href="/tasks/{sub.pk}/"' in html
    # Both units are taken now: the decompose form no longer offers them.
    assert "江海县甲局" not in _select(html, "department_1")
    # The sub-task page links back to the parent for the county, but the town cannot open its sibling.
    bureau_sub = subs[0]
    assert f'href="/tasks/{task.pk}/"' in _page(login(w["liaison"]), bureau_sub)
    assert login(w["town_liaison"]).get(f"/tasks/{bureau_sub.pk}/").status_code == 404
    assert login(w["town_liaison"]).get(f"/tasks/{task.pk}/").status_code == 404
    sub_html = _page(login(w["bureau_liaison"]), bureau_sub)
    assert "由上级单位分解下达" in sub_html and "分解承办" in sub_html


def test_decompose_with_a_late_deadline_shows_the_chinese_error(w):
    resp = login(w["liaison"]).post(
        f"/tasks/{w['task'].pk}/act/decompose/",
        {
            "version": 1,
            "department_1": w["bureau"].pk,
            "deadline_1": "2100-01-31",
        },
    )
    assert resp.status_code == 400
    assert "不能晚于上级任务的完成时限（2099年12月31日）" in resp.content.decode()
    assert not Task.objects.filter(parent=w["task"]).exists()


def test_decompose_with_no_rows_is_a_form_error(w):
    resp = login(w["liaison"]).post(f"/tasks/{w['task'].pk}/act/decompose/", {"version": 1})
    assert resp.status_code == 400
    assert "请至少填写一项分解任务" in resp.content.decode()


def test_submit_with_open_subtasks_is_refused_on_the_page(w):
    task = w["task"]
    factories.TaskFactory(
        measure=task.measure, department=w["bureau"], role=TaskRole.SUB, parent=task, deadline=dt.date(2099, 6, 30)
    )
    resp = login(w["liaison"]).post(f"/tasks/{task.pk}/act/submit/", {"version": 1, "evidence": "已完成"})
    assert resp.status_code == 409
    assert "尚有 1 项分解任务未办结" in resp.content.decode()


# --- 审核办结 with open sub-tasks ---


def test_approve_form_asks_for_a_reason_only_while_subtasks_are_open(w):
    task = w["task"]
    Task.objects.filter(pk=task.pk).update(status=S.SUBMITTED)
    sup = login(w["supervisor"])
    assert 'name="override_reason"' not in _page(sup, task)
    factories.TaskFactory(
        measure=task.measure, department=w["bureau"], role=TaskRole.SUB, parent=task, deadline=dt.date(2099, 6, 30)
    )
    assert 'name="override_reason"' in _page(sup, task)
    resp = sup.post(f"/tasks/{task.pk}/act/approve/", {"version": 1, "note": ""})
    assert resp.status_code == 409 and "尚有 1 项分解任务未办结" in resp.content.decode()
    resp = sup.post(f"/tasks/{task.pk}/act/approve/", {"version": 1, "note": "", "override_reason": "已另行落实"})
    assert resp.status_code == 302
    assert Task.objects.get(pk=task.pk).status == S.FINISHED
    assert AuditEvent.objects.filter(task=task, action="task.subtasks_override").exists()
    assert "分解任务未办结时审核办结" in _page(sup, task)


# --- 我的待办 ---


def test_home_lists_my_open_tasks(w):
    task, zhang = w["task"], w["zhang"]
    html = login(zhang).get("/").content.decode()
    assert "我的待办" in html and "暂无指派给您的待办任务" in html
    TaskAssignee.objects.create(task=task, user=zhang, kind="assist")
    html = login(zhang).get("/").content.decode()
    section = html.split('id="my-tasks"', 1)[1].split("<h2>", 1)[0]
    assert f'href="/tasks/{task.pk}/"' in section
    assert "暂无指派给您的待办任务" not in section
    # 李四 has nothing assigned.
    li_html = login(w["li"]).get("/").content.decode()
    assert f'href="/tasks/{task.pk}/"' not in li_html.split('id="my-tasks"', 1)[1].split("<h2>", 1)[0]
