"""The office's daily flows, in a real browser (Chromium through Playwright, see conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.models import ExtensionRequest, ReportingCycle, Task, TaskAssignee, TaskRole, TaskStatus
from tests import factories

S = TaskStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office():
    """市工信局 (R) has a responsible task on a measure led by 市发改委 (L); people of both and 督查室."""
    dept_r = factories.DepartmentFactory(name="市工业和信息化局")
    dept_l = factories.DepartmentFactory(name="市发展和改革委员会")
    doc = factories.PolicyDocumentFactory(title="数字经济行动方案", reporting_cycle=ReportingCycle.MONTHLY)
    measure = factories.MeasureFactory(document=doc, title="培育专精特新企业", text="培育专精特新企业300家以上。")
    deadline = dt.date.today() + dt.timedelta(days=120)
    factories.TaskFactory(measure=measure, department=dept_l, role=TaskRole.LEAD, status=S.IN_PROGRESS,
                          deadline=deadline)
    task = factories.TaskFactory(measure=measure, department=dept_r, role=TaskRole.RESPONSIBLE, status=S.ACCEPTED,
                                 deadline=deadline)
    return {
        "task": task,
        "staff": factories.StaffFactory(department=dept_r, full_name="赵承办"),
        "staff2": factories.StaffFactory(department=dept_r, full_name="钱协办"),
        "liaison": factories.LiaisonFactory(department=dept_r, full_name="张联络员"),
        "r_leader": factories.LeaderFactory(department=dept_r, full_name="工信局李局长"),
        "l_leader": factories.LeaderFactory(department=dept_l, full_name="发改委王主任"),
        "supervisor": factories.SupervisorFactory(full_name="督查室王督查"),
    }


def test_a_handler_reports_progress_from_a_phone(office, open_browser):
    task = office["task"]
    b = open_browser(office["staff"], phone=True)
    b.go(f"/tasks/{task.pk}/")
    assert b.no_horizontal_scroll()
    form = b.open_panel("报送进展")
    form.locator("[name=percent]").fill("40")
    form.locator("[name=progress]").fill("已完成全市企业摸底，梳理重点培育名单。")
    form.locator("button[type=submit]").click()
    b.page.wait_for_selector("text=进展已报送")
    assert "已完成全市企业摸底" in b.page.content()
    task.refresh_from_db()
    assert (task.status, task.percent) == (S.IN_PROGRESS, 40)
    assert b.no_horizontal_scroll()
    assert b.errors == []


def test_a_liaison_assigns_the_task_to_a_handler_who_then_sees_it_as_his(office, open_browser):
    task = office["task"]
    b = open_browser(office["liaison"])
    b.go(f"/tasks/{task.pk}/")
    form = b.open_panel("指派承办人")
    form.locator("[name=main]").select_option(str(office["staff"].pk))
    form.locator("[name=assist]").select_option([str(office["staff2"].pk)])
    form.locator("button[type=submit]").click()
    b.page.wait_for_load_state()
    assert TaskAssignee.objects.filter(task=task, user=office["staff"], kind="main").exists()
    assert TaskAssignee.objects.filter(task=task, user=office["staff2"], kind="assist").exists()
    task.refresh_from_db()
    assert task.owner_id == office["staff"].pk
    handler = open_browser(office["staff"], phone=True)
    handler.go("/")
    assert "培育专精特新企业" in handler.page.locator("body").inner_text()
    assert b.errors == [] and handler.errors == []


def test_the_lead_units_leader_approves_a_completion(office, open_browser):
    task = office["task"]
    Task.objects.filter(pk=task.pk).update(status=S.SUBMITTED, percent=100)
    b = open_browser(office["l_leader"])
    b.go(f"/tasks/{task.pk}/")
    form = b.open_panel("审核通过")
    form.locator("[name=note]").fill("材料齐全，同意办结。")
    form.locator("button[type=submit]").click()
    b.page.wait_for_selector("text=已审核通过")
    task.refresh_from_db()
    assert task.status == S.FINISHED and task.finished_at is not None
    assert b.errors == []


def test_an_extension_is_approved_and_the_task_page_still_opens_for_everyone(office, open_browser):
    task = office["task"]
    asker = open_browser(office["liaison"])
    asker.go(f"/tasks/{task.pk}/")
    form = asker.open_panel("申请延期")
    new_date = (task.deadline + dt.timedelta(days=30)).isoformat()
    form.locator("[name=requested_deadline]").fill(new_date)
    form.locator("[name=reason]").fill("等待省级配套资金下达。")
    form.locator("button[type=submit]").click()
    asker.page.wait_for_selector("text=延期申请已提交")
    ext = ExtensionRequest.objects.get(task=task)

    sup = open_browser(office["supervisor"])
    sup.go(f"/tasks/{task.pk}/")
    form = sup.open_panel("审批延期")
    form.locator("[name=decision]").select_option("approve")
    form.locator("[name=note]").fill("同意")
    form.locator("button[type=submit]").click()
    sup.page.wait_for_selector("text=延期申请已审批")
    ext.refresh_from_db()
    task.refresh_from_db()
    assert ext.status == ExtensionRequest.Status.APPROVED and task.deadline.isoformat() == new_date
    for user in ("supervisor", "liaison", "l_leader", "staff"):
        other = open_browser(office[user])
        other.go(f"/tasks/{task.pk}/")
        assert "批准延期申请" in other.page.locator("body").inner_text()
        assert other.errors == []
    assert asker.errors == [] and sup.errors == []
