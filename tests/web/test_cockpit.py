"""驾驶舱 (cockpit) and 挂图作战 (battle map): access, numbers, click targets, the month grid, export, queries."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tasks.models import Light, LightSnapshot, Measure, Task, TaskRole, TaskStatus
from tasks.web import dashboard
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)  # a Monday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def cockpit_json(resp) -> dict:
    match = re.search(r'<script id="cockpit-data" type="application/json">(.*?)</script>', resp.content.decode(), re.S)
    assert match, "cockpit-data JSON missing"
    return json.loads(match.group(1))


@pytest.fixture
def world():
    """Two departments, two documents, seven tasks with known lights (see the numbers in the tests)."""
    a = factories.DepartmentFactory(name="市甲局", order=1)
    b = factories.DepartmentFactory(name="市乙局", order=2)
    d1 = factories.PolicyDocumentFactory(title="文件一")
    d2 = factories.PolicyDocumentFactory(title="文件二")
    m1 = factories.MeasureFactory(document=d1, title="措施一")
    m2 = factories.MeasureFactory(document=d1, title="措施二")
    m3 = factories.MeasureFactory(document=d2, title="措施三")
    m4 = factories.MeasureFactory(document=d2, title="措施四")
    t = {
        # A, 文件一: finished on time (percent 0 still counts 100 % once finished)
        "a_on_time": factories.TaskFactory(measure=m1, department=a, role=TaskRole.LEAD, deadline=_days(30),
                                           status=TaskStatus.FINISHED, finished_at=NOW, percent=0),
        # A, 文件一: finished after its deadline
        "a_late": factories.TaskFactory(measure=m2, department=a, deadline=_days(-10),
                                        status=TaskStatus.FINISHED, finished_at=NOW, percent=100),
        # A, 文件二: overdue → red
        "a_red": factories.TaskFactory(measure=m3, department=a, deadline=_days(-5),
                                       status=TaskStatus.IN_PROGRESS, percent=20),
        # B, 文件一: far deadline, just assigned → green
        "b_green": factories.TaskFactory(measure=m1, department=b, deadline=_days(300),
                                         status=TaskStatus.ACCEPTED, percent=50),
        # B, 文件二: cancelled
        "b_cancelled": factories.TaskFactory(measure=m3, department=b, deadline=_days(60),
                                             status=TaskStatus.CANCELLED),
        # B, 文件二: overdue, never signed → red
        "b_red": factories.TaskFactory(measure=m4, department=b, deadline=_days(-1), status=TaskStatus.ASSIGNED),
        # B, 文件一: extended past its original deadline, finished after the original one → not on time
        "b_extended": factories.TaskFactory(measure=m2, department=b, deadline=_days(100),
                                            original_deadline=_days(-20), status=TaskStatus.FINISHED,
                                            finished_at=NOW, percent=100),
    }
    # Month-end light history: May 2026 (1 red), April 2026 (2 red), nothing before.
    for task, period, light in [
        (t["a_red"], "2026-05", Light.RED), (t["b_green"], "2026-05", Light.GREEN),
        (t["a_red"], "2026-04", Light.RED), (t["b_red"], "2026-04", Light.RED),
        (t["b_green"], "2026-04", Light.YELLOW),
    ]:
        LightSnapshot.objects.create(task=task, period=period, light=light, percent=0)
    return {"a": a, "b": b, "d1": d1, "d2": d2, "tasks": t, "measures": [m1, m2, m3, m4]}


# --- Access ---


def test_cockpit_for_supervisor_and_leader_only(world):
    a = world["a"]
    assert login(factories.SupervisorFactory()).get("/cockpit/").status_code == 200
    assert login(factories.LeaderFactory(department=a)).get("/cockpit/").status_code == 200
    assert login(factories.LiaisonFactory(department=a)).get("/cockpit/").status_code == 403
    assert login(factories.StaffFactory(department=a)).get("/cockpit/").status_code == 403
    resp = Client().get("/cockpit/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_nav_shows_cockpit_to_supervisor_and_leader_only(world):
    assert 'href="/cockpit/"' in login(factories.SupervisorFactory()).get("/").content.decode()
    assert 'href="/cockpit/"' in login(factories.LeaderFactory(department=world["a"])).get("/").content.decode()
    assert 'href="/cockpit/"' not in login(factories.StaffFactory(department=world["a"])).get("/").content.decode()


# --- Numbers ---


def test_cockpit_numbers_for_supervisor(world):
    resp = login(factories.SupervisorFactory()).get("/cockpit/")
    data = cockpit_json(resp)
    k = data["kpi"]
    assert (k["total"], k["cancelled"], k["countable"], k["finished"], k["on_time"], k["overdue"]) == (7, 1, 6, 3, 1, 2)
    assert k["completion_rate"] == 50.0
    assert k["on_time_rate"] == 33.3
    assert k["overdue_rate"] == 33.3
    assert (k["red"], k["yellow"]) == (2, 0)

    depts = {d["name"]: d for d in data["departments"]}
    assert [d["name"] for d in data["departments"]] == ["市甲局", "市乙局"]
    keys = ("red", "yellow", "green", "none", "finished", "total", "overdue")
    assert {key: depts["市甲局"][key] for key in keys} == {
        "red": 1, "yellow": 0, "green": 0, "none": 0, "finished": 2, "total": 3, "overdue": 1}
    assert {key: depts["市乙局"][key] for key in keys} == {
        "red": 1, "yellow": 0, "green": 1, "none": 0, "finished": 1, "total": 4, "overdue": 1}

    docs = {d["title"]: d for d in data["documents"]}
    assert (docs["文件一"]["total"], docs["文件一"]["finished"], docs["文件一"]["completion_rate"]) == (4, 3, 75.0)
    assert docs["文件一"]["avg_percent"] == 87.5  # (100 + 100 + 50 + 100) / 4
    assert (docs["文件二"]["total"], docs["文件二"]["finished"], docs["文件二"]["completion_rate"]) == (3, 0, 0.0)
    assert docs["文件二"]["avg_percent"] == 10.0  # (20 + 0) / 2, the cancelled task left out

    assert [(d["name"], d["overdue"]) for d in data["overdue_departments"]] == [("市乙局", 1), ("市甲局", 1)]

    months = {m["period"]: m for m in data["months"]}
    assert len(data["months"]) == 12 and data["months"][-1]["period"] == "2026-06"
    assert months["2026-06"]["red"] == 2 and months["2026-06"]["live"] is True
    assert months["2026-05"]["red"] == 1
    assert months["2026-04"]["red"] == 2
    assert months["2026-03"]["red"] is None  # no history that month

    # The fallback tables carry the same numbers.
    html = resp.content.decode()
    assert re.search(r'<table id="table-departments">.*市乙局.*</table>', html, re.S)
    assert "33.3%" in html and "50.0%" in html


def test_cockpit_leader_sees_own_department_scope(world):
    # 市甲局's own three tasks, and — as 牵头单位 of 措施一 — 市乙局's task on that measure (task_list_for_user).
    data = cockpit_json(login(factories.LeaderFactory(department=world["a"])).get("/cockpit/"))
    assert data["kpi"]["total"] == 4
    assert [(d["name"], d["total"], d["green"]) for d in data["departments"]] == [("市甲局", 3, 0), ("市乙局", 1, 1)]
    assert [d["name"] for d in data["overdue_departments"]] == ["市甲局"]
    # 市乙局's leader leads nothing: its own four tasks only.
    data = cockpit_json(login(factories.LeaderFactory(department=world["b"])).get("/cockpit/"))
    assert data["kpi"]["total"] == 4 and [d["name"] for d in data["departments"]] == ["市乙局"]
    assert {m["period"]: m["red"] for m in data["months"]}["2026-04"] == 1  # B's red snapshot is not in scope
    assert {d["title"] for d in data["documents"]} == {"文件一", "文件二"}


def test_cockpit_with_no_tasks_renders():
    data = cockpit_json(login(factories.SupervisorFactory()).get("/cockpit/"))
    assert data["kpi"]["total"] == 0 and data["kpi"]["completion_rate"] is None
    assert data["departments"] == [] and data["overdue_departments"] == []


# --- Click targets ---


def test_chart_urls_open_the_filtered_task_list(world):
    sup = factories.SupervisorFactory()
    client = login(sup)
    data = cockpit_json(client.get("/cockpit/"))
    a, b = world["a"], world["b"]
    depts = {d["name"]: d for d in data["departments"]}
    assert depts["市甲局"]["urls"]["red"] == f"/tasks/?department={a.pk}&light=red"
    assert depts["市乙局"]["urls"]["green"] == f"/tasks/?department={b.pk}&light=green"
    docs = {d["title"]: d for d in data["documents"]}
    assert docs["文件二"]["url"] == f"/tasks/?document={world['d2'].pk}"
    overdue = {d["name"]: d for d in data["overdue_departments"]}
    # 督查室 lands on the overdue board (filters, 催办所选, export) for that department.
    assert overdue["市甲局"]["url"] == f"/overdue/?department={a.pk}"
    assert data["months"][-1]["url"] == "/tasks/?light=red"
    assert data["months"][-2]["url"] == "/cockpit/red/2026-05/"

    # Following a bar's URL lists exactly the tasks it counts.
    html = client.get(depts["市甲局"]["urls"]["red"]).content.decode()
    assert "措施三" in html and "措施一" not in html and "措施四" not in html
    html = client.get(overdue["市乙局"]["url"]).content.decode()
    assert "措施四" in html and "措施三" not in html


def test_past_month_red_list(world):
    client = login(factories.SupervisorFactory())
    html = client.get("/cockpit/red/2026-04/").content.decode()
    assert "措施三" in html and "措施四" in html and "措施一" not in html
    assert client.get("/cockpit/red/2026-4/").status_code == 404
    assert client.get("/cockpit/red/abcd-ef/").status_code == 404
    # A leader sees only the tasks in scope.
    html = login(factories.LeaderFactory(department=world["a"])).get("/cockpit/red/2026-04/").content.decode()
    assert "措施三" in html and "措施四" not in html


def test_cockpit_page_has_no_external_urls_and_serves_echarts_locally(world):
    html = login(factories.SupervisorFactory()).get("/cockpit/").content.decode()
    urls = re.findall(r"""(?:src|href|action)=["']([^"']*)["']""", html)
    assert not [u for u in urls if "cdn" in u.lower() or u.startswith(("http:", "https:", "//"))]
    assert "https://" not in html and "http://" not in html
    assert '/static/vendor/echarts/echarts.min.js"' in html
    assert '/static/duban/cockpit.js"' in html
    assert "<script>" not in html.replace('<script id="cockpit-data"', "")  # no inline script


def test_cockpit_queries_do_not_grow_with_departments(world, django_assert_max_num_queries):
    client = login(factories.SupervisorFactory())
    client.get("/cockpit/")  # warm up (session, workday calendar caches)
    with CaptureQueriesContext(connection) as small:
        client.get("/cockpit/")
    for _ in range(6):
        dept = factories.DepartmentFactory()
        doc = factories.PolicyDocumentFactory()
        for k in range(3):
            task = factories.TaskFactory(department=dept, measure=factories.MeasureFactory(document=doc),
                                         deadline=_days(k * 40 - 40))
            LightSnapshot.objects.create(task=task, period="2026-05", light=Light.RED, percent=0)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = client.get("/cockpit/")
    assert cockpit_json(resp)["kpi"]["total"] == 7 + 18


# --- 挂图作战 ---


def _month_dt(year: int, month: int, day: int = 5) -> dt.datetime:
    return dt.datetime(year, month, day, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def grid_world():
    """A document with three measures: one task assigned in March with history, one assigned in May,
    one measure without tasks."""
    a = factories.DepartmentFactory(name="市甲局", order=1)
    b = factories.DepartmentFactory(name="市乙局", order=2)
    doc = factories.PolicyDocumentFactory(title="挂图文件")
    m1 = factories.MeasureFactory(document=doc, title="第一项措施", order=1, path=["一", "1"], label="1")
    m2 = factories.MeasureFactory(document=doc, title="第二项措施", order=2, path=["一", "2"], label="2")
    m3 = factories.MeasureFactory(document=doc, title="=HYPERLINK(\"x\")", order=3, path=["一", "3"], label="3")
    section = factories.MeasureFactory(document=doc, title="章节", kind=Measure.Kind.SECTION, order=0,
                                       path=["一"], label="一")
    t1 = factories.TaskFactory(measure=m1, department=a, role=TaskRole.LEAD, status=TaskStatus.IN_PROGRESS,
                               percent=90, deadline=dt.date(2026, 8, 20), original_deadline=dt.date(2026, 7, 31))
    t2 = factories.TaskFactory(measure=m2, department=b, status=TaskStatus.IN_PROGRESS, percent=0,
                               deadline=dt.date(2026, 6, 10))  # overdue → red now
    Task.objects.filter(pk=t1.pk).update(assigned_at=_month_dt(2026, 3))
    Task.objects.filter(pk=t2.pk).update(assigned_at=_month_dt(2026, 5))
    history = [(t1, "2026-03", Light.GREEN), (t1, "2026-04", Light.YELLOW), (t2, "2026-05", Light.RED)]
    for task, period, light in history:
        LightSnapshot.objects.create(task=task, period=period, light=light, percent=0)
    return {"doc": doc, "t1": t1, "t2": t2, "a": a, "b": b, "measures": [m1, m2, m3], "section": section}


def _row_cells(html: str, task_id: int) -> dict[str, tuple[str, bool]]:
    row = re.search(rf'<tr data-task="{task_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, f"no row for task {task_id}"
    return {
        period: (light, bool(deadline))
        for period, light, deadline in re.findall(
            r'data-period="([\d-]+)" data-light="(\w*)"( data-deadline="1")?', row.group(1)
        )
    }


def test_battle_map_months_lights_and_deadline_marker(grid_world):
    html = login(factories.SupervisorFactory()).get(f"/documents/{grid_world['doc'].pk}/battle-map/").content.decode()
    periods = re.findall(r'<th scope="col" data-period="([\d-]+)"', html)
    assert periods == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]  # assignment → deadline
    assert _row_cells(html, grid_world["t1"].pk) == {
        "2026-03": ("green", False),   # snapshot
        "2026-04": ("yellow", False),  # snapshot
        "2026-05": ("", False),        # no snapshot taken: 无记录
        "2026-06": ("green", False),   # live light (90 % done, ahead of schedule)
        "2026-07": ("", False),        # future (the original deadline month, marked ◇)
        "2026-08": ("", True),         # deadline month
    }
    assert _row_cells(html, grid_world["t2"].pk) == {
        "2026-03": ("", False), "2026-04": ("", False),  # before the assignment
        "2026-05": ("red", False), "2026-06": ("red", True),  # live red in its deadline month
        "2026-07": ("", False), "2026-08": ("", False),
    }
    assert "原定时限 2026年07月31日" in html
    assert "无记录" in html
    # Measures in outline order, sections left out, the measure without tasks shown as 未分配 to 督查室.
    assert html.index("第一项措施") < html.index("第二项措施") < html.index("HYPERLINK")
    assert "未分配" in html and ">章节<" not in html


def test_battle_map_print_css_and_no_external_urls(grid_world):
    html = login(factories.SupervisorFactory()).get(f"/documents/{grid_world['doc'].pk}/battle-map/").content.decode()
    assert '/static/duban/cockpit.css"' in html
    assert "https://" not in html and "http://" not in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("duban/cockpit.css"), encoding="utf-8").read()
    assert re.search(r"@media print\s*{\s*@page\s*{\s*size:\s*A3 landscape", css)


def test_battle_map_access_and_scope(grid_world):
    doc = grid_world["doc"]
    assert Client().get(f"/documents/{doc.pk}/battle-map/").status_code == 302
    assert login(factories.SupervisorFactory()).get("/documents/999999/battle-map/").status_code == 404
    assert login(factories.SupervisorFactory()).get("/documents/999999/battle-map/xlsx/").status_code == 404
    # A department user sees its own tasks only, and no empty measures.
    b_staff = factories.StaffFactory(department=grid_world["b"])
    html = login(b_staff).get(f"/documents/{doc.pk}/battle-map/").content.decode()
    assert f'data-task="{grid_world["t2"].pk}"' in html and f'data-task="{grid_world["t1"].pk}"' not in html
    assert "第一项措施" not in html and "未分配" not in html
    html = login(factories.StaffFactory()).get(f"/documents/{doc.pk}/battle-map/").content.decode()
    assert "data-task=" not in html and "权限范围内的任务" in html


def test_document_page_links_to_battle_map(grid_world):
    doc = grid_world["doc"]
    html = login(factories.SupervisorFactory()).get(f"/documents/{doc.pk}/").content.decode()
    assert f'href="/documents/{doc.pk}/battle-map/"' in html


def test_battle_map_xlsx(grid_world):
    doc = grid_world["doc"]
    resp = login(factories.SupervisorFactory()).get(f"/documents/{doc.pk}/battle-map/xlsx/")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    ws = wb.active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows[2]
    assert header[:6] == ["序号", "措施", "责任单位", "角色", "完成时限", "状态"]
    assert header[6:] == ["2026年3月", "2026年4月", "2026年5月", "2026年6月", "2026年7月", "2026年8月"]
    by_measure = {r[1]: r for r in rows[3:]}
    assert by_measure["第一项措施"][2] == "市甲局"
    assert by_measure["第一项措施"][6:] == ["绿", "黄", "无记录", "绿", "◇", "◆"]
    assert by_measure["第二项措施"][6:] == [None, None, "红", "红◆", None, None]
    assert "'=HYPERLINK(\"x\")" in by_measure  # formula escaped, stays text
    assert by_measure["'=HYPERLINK(\"x\")"][2] == "（未分配）"


def test_battle_map_caps_months_at_36():
    sup = factories.SupervisorFactory()
    doc = factories.PolicyDocumentFactory()
    task = factories.TaskFactory(measure=factories.MeasureFactory(document=doc), deadline=dt.date(2028, 12, 31))
    Task.objects.filter(pk=task.pk).update(assigned_at=_month_dt(2023, 1))
    grid = dashboard.battle_map(document_id=doc.pk, user=sup, today=TODAY)
    assert len(grid["months"]) == 36 and grid["truncated"] is True
    periods = [m["period"] for m in grid["months"]]
    assert "2026-06" in periods and periods[0] == "2025-07" and periods[-1] == "2028-06"


def test_battle_map_queries_do_not_grow_with_measures(grid_world, django_assert_max_num_queries):
    client = login(factories.SupervisorFactory())
    url = f"/documents/{grid_world['doc'].pk}/battle-map/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(8):
        m = factories.MeasureFactory(document=grid_world["doc"])
        for _ in range(2):
            t = factories.TaskFactory(measure=m)
            LightSnapshot.objects.create(task=t, period="2026-05", light=Light.GREEN, percent=0)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = client.get(url)
    assert resp.content.decode().count("data-task=") == 2 + 16


def test_a_lead_units_leader_filters_the_task_list_by_a_partner_department():
    lead = factories.DepartmentFactory(name="市牵头局")
    partner = factories.DepartmentFactory(name="市配合局")
    measure = factories.MeasureFactory(title="联合推进")
    factories.TaskFactory(measure=measure, department=lead, role="lead")
    factories.TaskFactory(measure=measure, department=partner, role="responsible")
    own = factories.TaskFactory(department=lead, measure=factories.MeasureFactory(title="本局独办"))
    client = login(factories.LeaderFactory(department=lead))
    html = client.get("/tasks/", {"department": partner.pk}).content.decode()
    assert "联合推进" in html and own.measure.title not in html
    stranger = factories.DepartmentFactory(name="市无关局")
    factories.TaskFactory(department=stranger, measure=factories.MeasureFactory(title="他局事项"))
    assert "他局事项" not in client.get("/tasks/", {"department": stranger.pk}).content.decode()
