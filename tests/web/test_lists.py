"""Issue 12 items 4 and 5: the 逾期清单 board (pages, filters, sort, 催办所选, export with the same filters) and
every list paginated with its filters kept in the URL."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from reminders.models import Notification
from tasks.lights import days_overdue
from tasks.models import TaskRole, TaskStatus, Urge
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 2, 2, 0, tzinfo=dt.UTC)  # 2026-07-02 10:00 Beijing, a Thursday
S = TaskStatus


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.content.decode()


def _row_ids(html: str) -> list[int]:
    """Task ids of the board's rows, in order (each row has its 催办所选 checkbox)."""
    return [int(x) for x in re.findall(r'name="task_ids" value="(\d+)"', html)]


def _link(html: str, rel: str, base: str) -> str:
    """The page's rel=next/prev link (a bare query string, "?…"), resolved against the page's path."""
    match = re.search(rf'<a href="([^"]*)" rel="{rel}">', html)
    assert match is not None, f"no {rel} link"
    href = htmllib.unescape(match.group(1))
    assert href.startswith("?")
    return base + href


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def board():
    """Three overdue tasks in three departments and two documents, plus tasks that must never be listed."""
    a = factories.DepartmentFactory(name="市甲局", order=2)
    b = factories.DepartmentFactory(name="市乙局", order=1)
    c = factories.DepartmentFactory(name="市丙局", order=3)
    doc1, doc2 = factories.PolicyDocumentFactory(title="文件一"), factories.PolicyDocumentFactory(title="文件二")

    def task(dept, doc, deadline, role=TaskRole.RESPONSIBLE, status=S.IN_PROGRESS):
        return factories.TaskFactory(department=dept, measure=factories.MeasureFactory(document=doc),
                                     deadline=deadline, role=role, status=status)

    tasks = {
        "old": task(a, doc1, dt.date(2026, 6, 1), role=TaskRole.LEAD),  # 22 working days
        "mid": task(b, doc2, dt.date(2026, 6, 22), status=S.ASSIGNED),  # 8 working days
        "new": task(c, doc1, dt.date(2026, 6, 30)),  # 2 working days
        "future": task(a, doc1, dt.date(2026, 12, 31)),
        "finished": task(a, doc1, dt.date(2026, 6, 1), status=S.FINISHED),
    }
    return {"tasks": tasks, "depts": {"a": a, "b": b, "c": c}, "docs": {"1": doc1, "2": doc2}}


# --- Who sees the board ---


@time_machine.travel(NOW, tick=False)
def test_only_the_supervisor_opens_the_board(board, supervisor, liaison, leader):
    assert login(supervisor).get("/overdue/").status_code == 200
    assert login(liaison).get("/overdue/").status_code == 403
    assert login(leader).get("/overdue/").status_code == 403
    assert Client().get("/overdue/").status_code == 302


# --- Pagination ---


@time_machine.travel(NOW, tick=False)
def test_31_overdue_tasks_make_two_pages_of_30_and_1(supervisor):
    dept = factories.DepartmentFactory()
    made = {factories.TaskFactory(department=dept, deadline=dt.date(2026, 6, 1) + dt.timedelta(days=i % 20),
                                  status=S.IN_PROGRESS).pk for i in range(31)}
    factories.TaskFactory(department=dept, deadline=dt.date(2026, 12, 31), status=S.IN_PROGRESS)
    client = login(supervisor)
    first = _html(client.get("/overdue/"))
    assert len(_row_ids(first)) == 30
    assert "第 1 / 2 页" in first and "共 31 项" in first
    second = _html(client.get(_link(first, "next", "/overdue/")))
    assert len(_row_ids(second)) == 1
    assert set(_row_ids(first)) | set(_row_ids(second)) == made
    assert "第 2 / 2 页" in second


@time_machine.travel(NOW, tick=False)
def test_filters_and_sort_survive_the_pagination_links(supervisor):
    a, b = factories.DepartmentFactory(), factories.DepartmentFactory()
    in_a = [factories.TaskFactory(department=a, deadline=dt.date(2026, 6, 1) + dt.timedelta(days=i),
                                  status=S.IN_PROGRESS) for i in range(31)]
    for _ in range(3):
        factories.TaskFactory(department=b, deadline=dt.date(2026, 6, 2), status=S.IN_PROGRESS)
    client = login(supervisor)
    first = _html(client.get("/overdue/", {"department": a.pk, "ordering": "-deadline"}))
    nxt = _link(first, "next", "/overdue/")
    assert _query(nxt) == {"department": [str(a.pk)], "ordering": ["-deadline"], "page": ["2"]}
    second = _html(client.get(nxt))
    prev = _link(second, "prev", "/overdue/")
    assert _query(prev) == {"department": [str(a.pk)], "ordering": ["-deadline"], "page": ["1"]}
    # Latest deadline first (all distinct), across both pages, only department a.
    assert _row_ids(first) + _row_ids(second) == [t.pk for t in sorted(in_a, key=lambda t: t.deadline, reverse=True)]


# --- Filters ---


@time_machine.travel(NOW, tick=False)
def test_the_board_lists_only_open_overdue_tasks_most_days_first(board, supervisor):
    t = board["tasks"]
    assert [days_overdue(t[k]) for k in ("old", "mid", "new")] == [22, 8, 2]
    html = _html(login(supervisor).get("/overdue/"))
    assert _row_ids(html) == [t["old"].pk, t["mid"].pk, t["new"].pk]
    assert "22 个工作日" in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda w: {"department": w["depts"]["b"].pk}, ["mid"]),
        (lambda w: {"document": w["docs"]["1"].pk}, ["old", "new"]),
        (lambda w: {"days_overdue_min": 8}, ["old", "mid"]),
        (lambda w: {"days_overdue_min": 9}, ["old"]),
        (lambda w: {"light": "red"}, ["old", "mid", "new"]),  # every overdue task is red (tasks/lights.py)
        (lambda w: {"light": "yellow"}, []),
        (lambda w: {"role": TaskRole.LEAD}, ["old"]),
        (lambda w: {"status": S.ASSIGNED}, ["mid"]),
        (lambda w: {"document": w["docs"]["1"].pk, "days_overdue_min": 3}, ["old"]),
    ],
    ids=["department", "document", "days>=8", "days>=9", "light-red", "light-yellow", "role", "status", "combined"],
)
def test_each_filter_of_the_board(board, supervisor, params, expected):
    html = _html(login(supervisor).get("/overdue/", params(board)))
    assert _row_ids(html) == [board["tasks"][k].pk for k in expected]
    if not expected:
        assert "没有符合条件的逾期任务" in html


@time_machine.travel(NOW, tick=False)
def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(board, supervisor):
    html = _html(login(supervisor).get("/overdue/", {"days_overdue_min": "abc", "document": board["docs"]["1"].pk}))
    assert _row_ids(html) == [board["tasks"]["old"].pk, board["tasks"]["new"].pk]
    assert 'class="errorlist"' in html


# --- Sort ---


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-days_overdue", ["old", "mid", "new"]),
        ("days_overdue", ["new", "mid", "old"]),
        ("deadline", ["old", "mid", "new"]),
        ("-deadline", ["new", "mid", "old"]),
        ("department", ["mid", "old", "new"]),  # 市乙局 (order 1), 市甲局 (2), 市丙局 (3)
        ("-department", ["new", "old", "mid"]),
    ],
)
def test_sort_by_column(board, supervisor, ordering, expected):
    html = _html(login(supervisor).get("/overdue/", {"ordering": ordering}))
    assert _row_ids(html) == [board["tasks"][k].pk for k in expected]


@time_machine.travel(NOW, tick=False)
def test_column_headers_toggle_the_sort_and_keep_the_filters(board, supervisor):
    dept = board["depts"]["a"].pk
    html = _html(login(supervisor).get("/overdue/", {"department": dept, "page": 1}))
    links = re.findall(r'<th[^>]*><a href="([^"]*)">([^<]*)</a></th>', html)
    by_label = {label.rstrip("↑↓"): _query(htmllib.unescape(href)) for href, label in links}
    # Default: most days first; clicking the days header reverses it; page is dropped, filters kept.
    assert by_label["逾期（工作日）"] == {"department": [str(dept)], "ordering": ["days_overdue"]}
    assert by_label["完成时限"] == {"department": [str(dept)], "ordering": ["deadline"]}
    assert by_label["责任部门"] == {"department": [str(dept)], "ordering": ["department"]}
    html = _html(login(supervisor).get("/overdue/", {"ordering": "deadline"}))
    assert "完成时限↑" in html and 'href="?ordering=-deadline"' in html


# --- Export with the same filters ---


@time_machine.travel(NOW, tick=False)
def test_the_export_link_carries_the_filters_and_exports_the_same_rows(board, supervisor):
    client = login(supervisor)
    params = {"document": board["docs"]["1"].pk, "days_overdue_min": 1, "role": "responsible",
              "ordering": "deadline", "page": "1"}
    html = _html(client.get("/overdue/", params))
    href = htmllib.unescape(re.search(r'id="overdue-export" href="([^"]*)"', html).group(1))
    assert urlsplit(href).path == "/api/v1/overdue/export.xlsx"
    assert _query(href) == {"document": [str(board["docs"]["1"].pk)], "days_overdue_min": ["1"],
                            "role": ["responsible"], "ordering": ["deadline"]}
    resp = client.get(href)
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "责任部门" in r)
    departments = [r[rows[header].index("责任部门")] for r in rows[header + 1:] if r and r[0]]
    assert departments == ["市丙局"] == [board["tasks"]["new"].department.name]
    # Without filters the link is the plain export.
    plain = _html(client.get("/overdue/"))
    assert 'id="overdue-export" href="/api/v1/overdue/export.xlsx"' in plain


@time_machine.travel(NOW, tick=False)
def test_the_api_accepts_the_board_parameters(board, supervisor, client_for):
    api = client_for(supervisor)
    t = board["tasks"]
    rows = api.get("/api/v1/overdue/", {"days_overdue_min": 8, "ordering": "department"}).json()["results"]
    assert [r["id"] for r in rows] == [t["mid"].pk, t["old"].pk]
    rows = api.get("/api/v1/overdue/", {"ordering": "-department"}).json()["results"]
    assert [r["id"] for r in rows] == [t["new"].pk, t["old"].pk, t["mid"].pk]


# --- 催办所选 ---


@time_machine.travel(NOW, tick=False)
def test_urge_selected_urges_exactly_the_ticked_tasks(board, supervisor):
    t = board["tasks"]
    client = login(supervisor)
    page = _html(client.get("/overdue/", {"document": board["docs"]["1"].pk}))
    assert "催办所选" in page and 'name="selection" value="ids"' in page
    resp = client.post("/tasks/urge/", {
        "selection": "ids", "return_to": "overdue", "querystring": f"document={board['docs']['1'].pk}",
        "task_ids": [t["old"].pk, t["new"].pk], "message": "请本周内说明逾期原因",
    })
    assert resp.status_code == 302 and resp["Location"] == f"/overdue/?document={board['docs']['1'].pk}"
    assert sorted(Urge.objects.values_list("task_id", flat=True)) == sorted([t["old"].pk, t["new"].pk])
    assert set(Urge.objects.values_list("message", flat=True)) == {"请本周内说明逾期原因"}
    assert "已催办 2 项任务" in _html(client.get(resp["Location"]))


@time_machine.travel(NOW, tick=False)
def test_urge_selected_ignores_closed_and_unknown_ids(board, supervisor):
    t = board["tasks"]
    client = login(supervisor)
    resp = client.post("/tasks/urge/", {"selection": "ids", "return_to": "overdue", "message": "请加快",
                                        "task_ids": [t["mid"].pk, t["finished"].pk, 999999]}, follow=True)
    assert list(Urge.objects.values_list("task_id", flat=True)) == [t["mid"].pk]
    assert "已催办 1 项任务。2 项不在您的范围内或已办结，未催办。" in resp.content.decode()


@time_machine.travel(NOW, tick=False)
def test_urge_selected_never_urges_tasks_outside_the_users_scope():
    world = factories.lead_and_responsible_world(status=S.IN_PROGRESS)
    users = world["users"]
    foreign = factories.TaskFactory(department=world["depts"]["o"], status=S.IN_PROGRESS)
    client = login(users["l_leader"])  # 牵头单位负责人: may urge the partner task of the measure it leads
    resp = client.post("/tasks/urge/", {"selection": "ids", "message": "请配合",
                                        "task_ids": [world["resp"].pk, foreign.pk]}, follow=True)
    assert list(Urge.objects.values_list("task_id", flat=True)) == [world["resp"].pk]
    assert "1 项不在您的范围内" in resp.content.decode()
    # Only ids outside the scope: nothing is urged, the user is told.
    resp = client.post("/tasks/urge/", {"selection": "ids", "message": "请配合", "task_ids": [foreign.pk]},
                       follow=True)
    assert Urge.objects.filter(task=foreign).count() == 0
    assert "没有符合条件的任务" in resp.content.decode()
    # A department member who may urge nothing gets nothing urged either.
    client = login(users["r_staff"])
    client.post("/tasks/urge/", {"selection": "ids", "message": "x", "task_ids": [world["lead"].pk]})
    assert Urge.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_urge_selected_with_nothing_ticked_urges_nothing(board, supervisor):
    """The board's form never falls back to "every task of the filter" when no box is ticked."""
    resp = login(supervisor).post("/tasks/urge/", {"selection": "ids", "return_to": "overdue",
                                                   "querystring": "", "message": "请加快"}, follow=True)
    assert Urge.objects.count() == 0
    assert "请先勾选要催办的任务" in resp.content.decode()


# --- Other lists ---


def test_document_list_pages_and_filters_kept_in_the_url(supervisor, staff):
    for i in range(31):
        factories.PolicyDocumentFactory(title=f"乡村振兴行动方案{i}")
    other = factories.PolicyDocumentFactory(title="营商环境实施意见", doc_number="市政办〔2026〕9号")
    client = login(staff)
    first = _html(client.get("/documents/", {"q": "乡村振兴"}))
    assert "第 1 / 2 页" in first and "营商环境" not in first
    nxt = _link(first, "next", "/documents/")
    assert _query(nxt) == {"q": ["乡村振兴"], "page": ["2"]}
    second = _html(client.get(nxt))
    assert second.count("乡村振兴行动方案") == 1
    by_number = _html(client.get("/documents/", {"q": "〔2026〕9号"}))
    assert f"/documents/{other.pk}/" in by_number and "乡村振兴" not in by_number
    unfiltered = _html(client.get("/documents/"))
    assert "第 1 / 2 页" in unfiltered and "共 32 份" in unfiltered


def test_notifications_are_paginated(staff):
    for i in range(31):
        Notification.objects.create(user=staff, kind="urged", title=f"通知{i:02d}")
    client = login(staff)
    first = _html(client.get("/notifications/"))
    assert "第 1 / 2 页" in first and "共 31 条" in first
    second = _html(client.get(_link(first, "next", "/notifications/")))
    assert "第 2 / 2 页" in second and second.count("<tr") == 2  # header + one notification


def test_task_list_keeps_its_filters_on_the_next_page(staff):
    for _ in range(31):
        factories.TaskFactory(department=staff.department, status=S.IN_PROGRESS)
    factories.TaskFactory(department=staff.department, status=S.ASSIGNED)
    client = login(staff)
    first = _html(client.get("/tasks/", {"status": "in_progress"}))
    nxt = _link(first, "next", "/tasks/")
    assert _query(nxt) == {"status": ["in_progress"], "page": ["2"]}
    assert "共 31 条" in _html(client.get(nxt))
