"""督查室 in a real browser: import → name queue → 驾驶舱 → overdue board → 催办; and every page at phone width."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from departments.demo import load_demo_city
from departments.models import Department, UnresolvedName
from tasks.models import PolicyDocument, Task, TaskStatus, Urge
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

# Written for this test: a short plan with one unit no department matches (市海洋发展局).
PLAN = """江海市海洋经济发展三年行动方案

一、主要任务
（一）建设现代渔港。推进中心渔港升级改造。（牵头单位：市农业农村局；责任单位：市海洋发展局）
（二）培育海洋产业集群。力争培育海洋新兴产业企业50家以上。（牵头单位：市工信局，责任单位：市科技局）
"""


def _click_bar(b, chart_id: str, index: int) -> None:
    """Click the middle of bar `index` of a horizontal ECharts bar chart, as a person would."""
    b.page.wait_for_function(f"() => document.getElementById('{chart_id}').hasAttribute('_echarts_instance_')")
    b.page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    x, y = b.page.evaluate(
        """([id, index]) => {
            const el = document.getElementById(id);
            const chart = window.echarts.getInstanceByDom(el);
            const data = chart.getOption().series[0].data;
            const value = typeof data[index] === 'object' ? data[index].value : data[index];
            const rect = el.getBoundingClientRect();
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [value / 2, index]);
            return [rect.left + px, rect.top + py];
        }""",
        [chart_id, index],
    )
    b.page.mouse.click(x, y)


def test_supervisor_imports_maps_a_name_reads_the_cockpit_and_urges_overdue_work(open_browser):
    load_demo_city()
    sup = factories.SupervisorFactory(full_name="督查室王督查")
    b = open_browser(sup)

    # 1. Import through the wizard: upload → preview → confirm.
    b.go("/imports/new/")
    b.page.set_input_files("input[type=file]", files=[
        {"name": "haiyang.txt", "mimeType": "text/plain", "buffer": PLAN.encode("utf-8")},
    ])
    b.page.click("button:has-text('上传并预览')")
    b.page.wait_for_selector("button:has-text('确认导入')")
    assert "市海洋发展局" in b.page.locator("body").inner_text()
    b.page.click("button:has-text('确认导入')")
    b.page.wait_for_load_state()
    doc = PolicyDocument.objects.get(title__contains="海洋经济")
    assert Task.objects.filter(measure__document=doc).count() == 3

    # 2. Map the unknown name in the 待处理名称 queue.
    target = Department.objects.get(name="市自然资源和规划局")
    b.go("/names/")
    row = b.page.locator("tr", has_text="市海洋发展局").first
    row.locator("select[name=target]").select_option(f"d:{target.pk}")
    row.locator("button:has-text('对应')").last.click()
    b.page.wait_for_load_state()
    assert UnresolvedName.objects.get(name="市海洋发展局").status == UnresolvedName.Status.MAPPED
    assert Task.objects.filter(measure__document=doc, department=target).exists()

    # The plan's work is now three weeks late.
    late = dt.date.today() - dt.timedelta(days=21)
    Task.objects.filter(measure__document=doc).update(deadline=late, original_deadline=late,
                                                     status=TaskStatus.IN_PROGRESS)

    # 3. 驾驶舱 → click the top overdue department's bar → the overdue board for that department.
    b.go("/cockpit/")
    assert "驾驶舱" in b.page.title()
    _click_bar(b, "chart-overdue", 0)
    b.page.wait_for_url(re.compile(r".*/overdue/\?department=\d+"))
    dept_id = int(b.page.url.rsplit("=", 1)[1])
    rows = b.page.locator("input.row-select")
    assert rows.count() == Task.objects.filter(measure__document=doc, department_id=dept_id).count() >= 1

    # 4. Tick the first row and send a 催办.
    rows.first.check()
    b.page.fill("#overdue-urge [name=message]", "海洋经济任务已逾期，请本周内报送进展。")
    b.page.click("#overdue-urge button:has-text('催办所选')")
    b.page.wait_for_selector("text=已催办 1 项任务")
    urge = Urge.objects.get()
    assert urge.task.department_id == dept_id and urge.message.startswith("海洋经济任务已逾期")
    assert b.errors == []


def test_every_page_fits_a_phone_and_logs_no_console_error(open_browser):
    dept = factories.DepartmentFactory(name="市工业和信息化局")
    doc = factories.PolicyDocumentFactory(title="数字经济行动方案")
    measure = factories.MeasureFactory(document=doc, title="培育专精特新企业")
    task = factories.TaskFactory(measure=measure, department=dept, status=TaskStatus.IN_PROGRESS,
                                 deadline=dt.date.today() - dt.timedelta(days=10))
    sup = factories.SupervisorFactory()
    leader = factories.LeaderFactory(department=dept)
    staff = factories.StaffFactory(department=dept)
    pages = {
        sup: ["/", "/tasks/", f"/tasks/{task.pk}/", "/overdue/", "/progress/", "/documents/",
              f"/documents/{doc.pk}/", f"/documents/{doc.pk}/battle-map/", "/imports/new/", "/names/",
              "/unassigned/", "/notifications/", "/notifications/preferences/", "/cockpit/"],
        leader: ["/", "/cockpit/", "/tasks/", f"/tasks/{task.pk}/"],
        staff: ["/", "/tasks/", f"/tasks/{task.pk}/", "/notifications/"],
    }
    wide = []
    for user, paths in pages.items():
        b = open_browser(user, phone=True)
        for path in paths:
            b.go(path)
            b.page.wait_for_load_state("networkidle")
            if not b.no_horizontal_scroll():
                wide.append((user.username, path, b.page.evaluate("document.documentElement.scrollWidth")))
        toggle = b.page.locator("#nav-toggle")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert b.errors == [], (user.username, b.errors)
    assert wide == []
