"""Spreadsheet exports (tasks/exports.py): 任务分解表 that imports back, 逾期清单, 部门进度 — streamed, formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from departments.demo import load_demo_city
from policyparse import SUPPORTED_EXTENSIONS
from tasks.exports import document_rows, document_xlsx, safe_cell
from tasks.models import Measure, PendingAssignment, PolicyDocument, ProgressReport, Task, TaskRole, TaskStatus
from tasks.services.imports import policy_import
from tests import factories
from tests.tasks import import_docs as D

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")

# Written for these tests: three outline levels, a group (各县…), an unknown unit (市绿能推进中心),
# a measure nobody is assigned, a recurring one, a target, a dated deadline.
GREEN_DOC = """江海市关于推进绿色低碳发展的实施意见
江政发〔2026〕15号

一、总体要求
到2027年，全市单位生产总值能耗下降10%以上。

二、重点任务
（一）推动产业绿色转型。
1．推进工业节能改造。到2026年完成节能改造项目30个以上。（牵头单位：市工信局；责任单位：市发改委、市财政局）2026年底前完成。
2．发展循环经济。建设资源循环利用基地。（牵头单位：市发改委；责任单位：市绿能推进中心）
（二）建设绿色交通体系。
1．推广新能源公交车。每季度通报推广情况。（牵头单位：市交通运输局；责任单位：各县(市、区)人民政府）
2．完善充电设施。加快公共充电桩建设。（责任单位：市住建局）
3．开展绿色出行宣传。加强舆论引导。

三、保障措施
（一）加强组织领导。建立工作推进机制。（牵头单位：市发改委）
"""


def _xlsx(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    assert response.streaming, "exports are streamed (FileResponse), never built in memory as one bytes object"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return b"".join(response.streaming_content)


def _table(data: bytes, header_row: int) -> tuple[list[str], list[dict[str, object]]]:
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[header_row - 1])
    return header, [dict(zip(header, r, strict=True)) for r in rows[header_row:]]


@pytest.fixture
def green(supervisor):
    load_demo_city()
    return policy_import(data=GREEN_DOC.encode("utf-8"), filename="绿色低碳.txt").document


# --- Formula safety ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+86 123", "'+86 123"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("市发改委：=1", "市发改委：=1"),  # only a leading sign starts a formula
        ("进展\x07正常", "进展正常"),  # a control character XML cannot hold is dropped, not a crash
        (-5, -5),  # numbers stay numbers
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_cells_that_start_like_formulas_are_written_as_text(client_for, supervisor):
    doc = factories.PolicyDocumentFactory(title="=公式标题")
    measure = factories.MeasureFactory(document=doc, text="=1+1 开展测试。", title="=1+1 开展测试")
    dept = factories.DepartmentFactory(name="@市测试局")
    task = factories.TaskFactory(measure=measure, department=dept, role=TaskRole.LEAD)
    ProgressReport.objects.create(task=task, author=supervisor, percent=10, progress='=HYPERLINK("http://x","点我")')
    data = _xlsx(client_for(supervisor).get(f"/api/v1/documents/{doc.pk}/export.xlsx"))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "'=公式标题" and ws["A1"].data_type == "s"
    header, rows = _table(data, 2)
    assert rows[0]["重点任务"] == "'=1+1 开展测试。"
    assert rows[0]["牵头单位"] == "'@市测试局"
    assert rows[0]["最近进展"] == '\'@市测试局：=HYPERLINK("http://x","点我")'  # the line starts with the unit
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row), "no formula cell anywhere"


# --- 任务分解表 ---


def test_document_export_layout_and_content(client_for, supervisor, green):
    t = Task.objects.get(measure__document=green, measure__path_key="二/（一）/1", role=TaskRole.LEAD)
    ProgressReport.objects.create(task=t, author=supervisor, percent=40, progress="已完成改造项目12个")
    Task.objects.filter(pk=t.pk).update(percent=40, status=TaskStatus.IN_PROGRESS)

    data = _xlsx(client_for(supervisor).get(f"/api/v1/documents/{green.pk}/export.xlsx"))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "任务分解表"
    assert (ws["A1"].value, ws["A2"].value) == ("江海市关于推进绿色低碳发展的实施意见", "江政发〔2026〕15号")
    assert ws["A1"].font.b is True
    assert ws.freeze_panes == "A4"  # title, 文号 and header stay visible
    assert ws.auto_filter.ref == "A3:L9"
    assert ws.column_dimensions["B"].width == 60
    assert ws["B4"].alignment.wrap_text is True
    header, rows = _table(data, 3)
    assert header == ["序号", "重点任务", "牵头单位", "责任单位", "完成时限", "时限原文", "周期", "量化目标",
                      "状态", "进度", "最近进展", "承办人"]
    by_path = {r["序号"]: r for r in rows}
    # One row per measure, sections excluded, in outline order; the measure with no unit is there too.
    assert list(by_path) == ["二/（一）/1", "二/（一）/2", "二/（二）/1", "二/（二）/2", "二/（二）/3", "三/（一）"]

    first = by_path["二/（一）/1"]
    assert first["重点任务"].startswith("推进工业节能改造。到2026年完成节能改造项目30个以上。")  # full text
    assert (first["牵头单位"], first["责任单位"]) == ("市工信局", "市发改委、市财政局")  # as printed
    assert first["完成时限"] == dt.datetime(2026, 12, 31)  # a real date cell …
    assert ws["E4"].number_format == "yyyy-mm-dd"
    assert first["时限原文"] == Measure.objects.get(document=green, path_key="二/（一）/1").deadline_text  # … + phrase
    assert first["量化目标"] == "到2026年完成节能改造项目30个以上"
    assert first["状态"].splitlines() == [
        "市工业和信息化局：办理中 40%", "市发展和改革委员会：已交办 0%", "市财政局：已交办 0%",
    ]
    assert first["进度"] == 13  # mean of 40, 0, 0
    assert first["最近进展"] == "市工业和信息化局：已完成改造项目12个"
    assert "市工业和信息化局：" in first["承办人"]

    # An unknown unit is shown (and said to be waiting), never dropped.
    second = by_path["二/（一）/2"]
    assert second["责任单位"] == "市绿能推进中心"
    assert "市绿能推进中心：单位待识别，未交办" in second["状态"]
    # A group printed once expands to one task per county; the sheet prints the group name once.
    bus = by_path["二/（二）/1"]
    assert bus["责任单位"] == "各县(市、区)人民政府"
    assert bus["周期"] == "每季度" and bus["完成时限"] == "每季度"  # no date: the phrase stands in
    assert len(bus["状态"].splitlines()) == 1 + Task.objects.filter(measure__path_key="二/（二）/1").count() - 1
    nobody = by_path["二/（二）/3"]
    assert (nobody["牵头单位"], nobody["责任单位"], nobody["状态"], nobody["进度"]) == (None, None, "未分配", None)


def test_document_export_queries_do_not_grow_with_measures(supervisor):
    load_demo_city()
    small = policy_import(data=D.numbered_document(5).encode(), filename="a.txt").document
    big = policy_import(
        data=D.numbered_document(60, title="江海市另一批量方案", doc_number="江政发〔2026〕98号").encode(),
        filename="b.txt",
    ).document
    counts = []
    for doc in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            document_xlsx(doc).close()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 4  # measures, targets, tasks, pending: one round for up to CHUNK measures


def test_document_rows_read_in_chunks_are_the_same_rows_in_outline_order(supervisor, green):
    # Measures are read `chunk` at a time, each chunk after the last (order, id): ties in `order` and a
    # measure count that is an exact multiple of the chunk must neither drop nor repeat a row.
    Measure.objects.filter(document=green, path_key__startswith="二/（二）").update(order=7)
    whole = list(document_rows(document_id=green.pk))
    assert [r.path for r in whole] == [
        "二/（一）/1", "二/（一）/2", "二/（二）/1", "二/（二）/2", "二/（二）/3", "三/（一）",
    ]
    for chunk in (1, 2, 3, 4, 6):
        assert list(document_rows(document_id=green.pk, chunk=chunk)) == whole, chunk
    with CaptureQueriesContext(connection) as ctx:
        list(document_rows(document_id=green.pk, chunk=3))
    assert len(ctx.captured_queries) == 4 * 2 + 1  # two full chunks, then one empty read of measures


def test_document_export_hides_other_departments_progress_and_owners(client_for, supervisor, green):
    a = Task.objects.get(measure__path_key="二/（一）/1", role=TaskRole.LEAD)
    b = Task.objects.get(measure__path_key="二/（一）/1", department__name="市财政局")
    ProgressReport.objects.create(task=a, author=supervisor, percent=10, progress="甲的进展")
    ProgressReport.objects.create(task=b, author=supervisor, percent=10, progress="乙的进展")
    liaison = factories.LiaisonFactory(department=b.department)
    _, rows = _table(_xlsx(client_for(liaison).get(f"/api/v1/documents/{green.pk}/export.xlsx")), 3)
    first = rows[0]
    assert first["最近进展"] == "市财政局：乙的进展"
    assert "市工业和信息化局：已交办 0%" in first["状态"]  # statuses of the whole measure stay visible
    assert "市工业和信息化局" not in (first["承办人"] or "")
    assert client_for(liaison).get("/api/v1/documents/999999/export.xlsx").status_code == 404


def _snapshot(document: PolicyDocument) -> tuple[list[tuple[object, ...]], set[tuple[str, str, str]]]:
    """Measures (path, title, full text, deadline, recurrence, targets) and (path, unit, role) pairs."""
    measures = [
        (tuple(m.path), m.title, m.text, m.deadline, m.recurrence, [t.text for t in m.targets.all()])
        for m in Measure.objects.filter(document=document, kind=Measure.Kind.MEASURE).order_by("order")
    ]
    pairs = {
        ("/".join(t.measure.path), t.department.name, t.role)
        for t in Task.objects.filter(measure__document=document).select_related("measure", "department")
    }
    pairs |= {
        ("/".join(p.measure.path), p.printed_name, p.role)
        for p in PendingAssignment.objects.filter(
            measure__document=document, status=PendingAssignment.Status.OPEN,
            reason=PendingAssignment.Reason.UNRESOLVED,
        ).select_related("measure")
    }
    return measures, pairs


@pytest.mark.skipif(".xlsx" not in SUPPORTED_EXTENSIONS, reason="the spreadsheet importer (.xlsx) is not in yet")
def test_export_imports_back_into_the_same_measures_and_assignments(client_for, supervisor, green):
    t = Task.objects.get(measure__path_key="二/（一）/1", role=TaskRole.LEAD)
    ProgressReport.objects.create(task=t, author=supervisor, percent=40, progress="已完成改造项目12个")
    before = _snapshot(green)
    assert len(before[0]) == 6 and len(before[1]) >= 10
    data = _xlsx(client_for(supervisor).get(f"/api/v1/documents/{green.pk}/export.xlsx"))
    green.delete()  # an empty city again (departments, aliases and groups stay)
    assert not Task.objects.exists()
    result = policy_import(data=data, filename="江海市关于推进绿色低碳发展的实施意见-任务分解表.xlsx")
    doc = result.document
    assert (doc.title, doc.doc_number) == ("江海市关于推进绿色低碳发展的实施意见", "江政发〔2026〕15号")
    after = _snapshot(doc)
    assert after[0] == before[0]
    assert after[1] == before[1]


# --- 逾期清单 ---

NOW = dt.datetime(2026, 7, 2, 2, 0, tzinfo=dt.UTC)  # 2026-07-02 10:00 Beijing


@time_machine.travel(NOW, tick=False)
def test_overdue_export_uses_the_filters_and_order_of_the_overdue_list(client_for, supervisor):
    a = factories.DepartmentFactory(name="市甲局", order=1)
    b = factories.DepartmentFactory(name="=市乙局", order=2)
    doc = factories.PolicyDocumentFactory(title="逾期测试方案")
    factories.TaskFactory(department=a, measure=factories.MeasureFactory(document=doc),
                                deadline=dt.date(2026, 5, 1), status=TaskStatus.ACCEPTED)
    late = factories.TaskFactory(department=b, measure=factories.MeasureFactory(document=doc),
                                 deadline=dt.date(2026, 6, 20), status=TaskStatus.IN_PROGRESS, percent=80)
    factories.TaskFactory(department=a, deadline=dt.date(2026, 12, 31))  # not overdue
    ProgressReport.objects.create(task=late, author=supervisor, percent=80, progress="收尾中")
    client = client_for(supervisor)

    listed = client.get("/api/v1/overdue/").json()["results"]
    data = _xlsx(client.get("/api/v1/overdue/export.xlsx"))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "逾期清单（截至 2026年07月02日）" and ws.freeze_panes == "A3"
    header, rows = _table(data, 2)
    assert [r["逾期（工作日）"] for r in rows] == [r["days_overdue"] for r in listed] == [42, 9]
    assert [r["责任部门"] for r in rows] == ["市甲局", "'=市乙局"]
    assert rows[0]["完成时限"] == dt.datetime(2026, 5, 1) and rows[0]["最近进展"] is None
    assert (rows[1]["进度"], rows[1]["最近进展"], rows[1]["文件"]) == (80, "收尾中", "逾期测试方案")
    assert rows[1]["最近报送"] == dt.datetime(2026, 7, 2)

    only_b = _table(_xlsx(client.get(f"/api/v1/overdue/export.xlsx?department={b.pk}")), 2)[1]
    assert [r["责任部门"] for r in only_b] == ["'=市乙局"]
    newest_first = _table(_xlsx(client.get("/api/v1/overdue/export.xlsx?ordering=-days_overdue")), 2)[1]
    assert [r["逾期（工作日）"] for r in newest_first] == [42, 9]
    oldest_last = _table(_xlsx(client.get("/api/v1/overdue/export.xlsx?ordering=days_overdue")), 2)[1]
    assert [r["逾期（工作日）"] for r in oldest_last] == [9, 42]

    liaison = factories.LiaisonFactory(department=a)
    assert client_for(liaison).get("/api/v1/overdue/export.xlsx").status_code == 403


# --- 部门进度 ---


def test_progress_export_is_streamed_filtered_and_escaped(client_for, supervisor):
    a = factories.DepartmentFactory(name="-市减号局", order=1)
    b = factories.DepartmentFactory(name="市乙局", order=2)
    doc = factories.PolicyDocumentFactory()
    factories.TaskFactory(department=a, measure=factories.MeasureFactory(document=doc))
    factories.TaskFactory(department=b)
    client = client_for(supervisor)
    data = _xlsx(client.get(f"/api/v1/progress/departments/export.xlsx?document={doc.pk}"))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "部门进度" and ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    header, rows = _table(data, 1)
    assert [(r["部门"], r["任务总数"]) for r in rows] == [("'-市减号局", 1)]  # the document filter applies
    resp = client.get(f"/api/v1/progress/departments/export.csv?document={doc.pk}")
    lines = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert lines[1][:2] == ["'-市减号局", "1"]


def test_overdue_page_links_to_the_export(supervisor):
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    html = client.get("/overdue/").content.decode()
    assert 'href="/api/v1/overdue/export.xlsx"' in html
