"""Spreadsheets as policy input: .xlsx/.xlsm, .xls, WPS .et and .csv (policyparse/sheets.py).

Every workbook here is built in the test from our own content (openpyxl, xlwt, csv text).
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from departments.demo import load_demo_city
from policyparse import PolicyParseError, parse_document
from policyparse import sheets as S
from policyparse.reading import SUPPORTED_EXTENSIONS, SUPPORTED_HINT, read_document
from tasks.models import Measure, PolicyDocument, PolicyUpload, Task, TaskRole
from tasks.services.imports import ImportFileError, policy_import
from tests import factories

TITLE = "江海市关于加快推进产业转型升级的实施方案任务分解表"

ROWS = [
    # 序号, 一级任务, 重点任务, 牵头单位, 责任单位, 完成时限
    (
        1,
        "一、推动制造业高端化",
        "实施技术改造项目200个，技改投资增长10%以上",
        "市工信局",
        "市发展改革委、市财政局",
        "2025年12月底前",
    ),
    (2, None, "培育省级专精特新企业30家", None, "市科技局", dt.datetime(2025, 6, 30)),
    (3, "二、促进服务业提质", "建设现代物流园区2个", "市商务局", "市交通运输局", "2026年底前"),
    (4, None, "每季度开展一次服务业企业走访", None, "市统计局", "每季度"),
]


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _tiered_workbook() -> bytes:
    """Title row merged across, a 文号 row, the header on row 3, 一级任务 and 牵头单位 merged down."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解"
    ws.append([TITLE])
    ws.merge_cells("A1:F1")
    ws.append(["江政办发〔2025〕12号"])
    ws.merge_cells("A2:F2")
    ws.append(["序号", "一级任务", "重点任务", "牵头单位", "责任单位", "完成时限"])
    for row in ROWS:
        ws.append(list(row))
    for cells in ("B4:B5", "B6:B7", "D4:D5", "D6:D7"):
        ws.merge_cells(cells)
    return _save(wb)


def _by_path(doc):
    return {"/".join(m.path): m for m in doc.measures}


# --- Layouts ---------------------------------------------------------------------------------------


def test_xlsx_title_rows_merged_cells_and_levels_give_measures():
    doc = parse_document(_tiered_workbook(), "分解表.xlsx")
    assert doc.source_format == "xlsx"
    assert doc.title == TITLE
    assert doc.doc_number == "江政办发〔2025〕12号"
    got = _by_path(doc)
    assert list(got) == ["一/1", "一/2", "二/3", "二/4"]
    assert got["一/1"].lead == ("市工信局",) and got["一/1"].responsible == ("市发展改革委", "市财政局")
    # 一级任务 and 牵头单位 merged over two rows reach the second row too.
    assert got["一/2"].lead == ("市工信局",) and got["一/2"].section_titles == ("一、推动制造业高端化",)
    assert got["二/4"].lead == ("市商务局",) and got["二/4"].responsible == ("市统计局",)
    # A date cell is read as a date; phrases as printed.
    assert got["一/2"].effective_deadline == dt.date(2025, 6, 30)
    assert got["一/1"].effective_deadline == dt.date(2025, 12, 31)
    assert got["二/3"].effective_deadline == dt.date(2026, 12, 31)
    assert got["二/4"].recurring == "quarterly"
    assert got["一/1"].title == "实施技术改造项目200个，技改投资增长10%以上"


def test_text_shape_is_header_then_rows():
    text, encoding, fmt = read_document(_tiered_workbook(), "a.xlsx", max_bytes=10**7)
    lines = text.splitlines()
    assert lines[:3] == [TITLE, "文号：江政办发〔2025〕12号", ""]
    assert lines[3] == "序号|一级任务|重点任务|牵头单位|责任单位|完成时限"
    assert lines[5] == "2|一、推动制造业高端化|培育省级专精特新企业30家|市工信局|市科技局|2025年6月30日"
    assert (encoding, fmt) == (None, "xlsx")


def test_two_row_header_and_full_width_section_rows():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "责任单位", None, "时间节点", "责任领导"])
    ws.append([None, None, "牵头单位", "配合单位", None, None])
    ws.merge_cells("C1:D1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.append(["一、优化营商环境"])
    ws.merge_cells("A3:F3")
    ws.append([1, "推行企业开办“一网通办”", "市行政审批局", "市市场监管局", "2025年9月底前", "王某某"])
    ws.append(["二、强化要素保障"])
    ws.merge_cells("A5:F5")
    ws.append([1, "新增建设用地指标优先保障重大项目", "市资规局", None, "长期坚持", "李某某"])
    doc = parse_document(_save(wb), "营商环境工作方案.xlsx")
    got = _by_path(doc)
    assert list(got) == ["一/1", "二/1"]
    assert got["一/1"].lead == ("市行政审批局",) and got["一/1"].responsible == ("市市场监管局",)
    assert got["一/1"].effective_deadline == dt.date(2025, 9, 30)
    assert got["二/1"].lead == ("市资规局",) and got["二/1"].responsible == ()
    assert doc.title == "营商环境工作方案"  # no title row: the file name


def test_export_layout_with_tracking_columns_and_outline_numbers():
    """The round-trip export: title row with the document title and 文号, 序号 一/（一）/1 section rows,
    tracking columns (状态, 进度, 最近进展, 承办人) that are not policy content."""
    head = ["序号", "重点任务", "牵头单位", "责任单位", "完成时限", "周期", "量化目标"]
    head += ["状态", "进度", "最近进展", "承办人"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江海市人民政府关于推进数字经济发展的实施意见（江政发〔2025〕3号）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    ws.append(head)
    ws.append(["一", "加快数字基础设施建设"])
    ws.append(["（一）", "推进5G网络建设"])
    ws.append(
        [
            "1",
            "新建5G基站1000个，覆盖全部乡镇",
            "市工信局",
            "东港区政府、西湖区政府",
            "2025年12月31日（2025年底前）",
            "",
            "新建5G基站1000个",
            "办理中",
            "40%",
            "已建成400个",
            "张三",
        ]
    )
    ws.append(["2", "推进千兆光网进小区", "市工信局", "未入库的某某公司", "2026年6月30日", "", "", "待签收"])
    ws.append(["二", "培育数字产业"])
    ws.append(["1", "每月调度重点数字产业项目", "市发展改革委", "", "", "每月", "", "办理中", "", "", ""])
    doc = parse_document(_save(wb), "任务分解表.xlsx")
    assert doc.title == "江海市人民政府关于推进数字经济发展的实施意见"
    assert doc.doc_number == "江政发〔2025〕3号"
    got = _by_path(doc)
    assert list(got) == ["一/（一）/1", "一/（一）/2", "二/1"]
    first = got["一/（一）/1"]
    assert first.lead == ("市工信局",) and first.responsible == ("东港区政府", "西湖区政府")
    assert first.effective_deadline == dt.date(2025, 12, 31)
    assert "已建成" not in first.text and "办理中" not in first.text  # tracking columns are dropped
    assert [t.value for t in first.targets] == [1000]  # 量化目标 restating the task is not read twice
    assert got["一/（一）/2"].responsible == ("未入库的某某公司",)  # an unresolved name is kept
    assert got["二/1"].recurring == "monthly"


def test_export_layout_with_path_numbers_only():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江海市关于推进测试工作的实施方案"])
    ws.append(["序号", "重点任务", "牵头单位", "责任单位", "完成时限"])
    ws.append(["一/（一）/1", "建设测试平台", "市科技局", "", "2025年底前"])
    ws.append(["一/（一）/2", "完善测试制度", "市科技局", "市财政局", "2026年底前"])
    ws.append(["一/（二）/1", "组建测试队伍", "市人社局", "", "2025年6月底前"])
    ws.append(["二/1", "开展测试评估", "市统计局", "", "2026年底前"])
    ws.append(["三/（一）", "加强组织领导", "市发改委", "", ""])  # a measure at the （一） level
    doc = parse_document(_save(wb), "t.xlsx")
    got = _by_path(doc)
    assert list(got) == ["一/（一）/1", "一/（一）/2", "一/（二）/1", "二/1", "三/（一）"]
    assert got["一/（二）/1"].lead == ("市人社局",)


def test_every_sheet_with_a_header_is_read_and_others_are_skipped():
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["请各单位于每月25日前报送进展。"])
    for name, rows in (
        ("产业发展", [(1, "建设产业园区", "市商务局", "2025年底前"), (2, "引进重点企业", "市商务局", "2026年底前")]),
        ("民生保障", [(1, "新增城镇就业岗位", "市人社局", "2025年底前")]),
    ):
        ws = wb.create_sheet(name)
        ws.append(["序号", "主要任务", "牵头部门", "完成时限"])
        for r in rows:
            ws.append(list(r))
    hidden = wb.create_sheet("旧版")
    hidden.append(["序号", "主要任务", "牵头部门", "完成时限"])
    hidden.append([1, "已废止的任务", "市商务局", "2024年底前"])
    hidden.sheet_state = "hidden"
    doc = parse_document(_save(wb), "两张表.xlsx")
    got = _by_path(doc)
    assert list(got) == ["一/1", "一/2", "二/1"]
    assert got["二/1"].lead == ("市人社局",)
    assert got["一/1"].section_titles == ("一、产业发展",)


def test_xlsm_is_read_for_values_only():
    data = _tiered_workbook()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)  # a macro project: never run, never read
    doc = parse_document(buf.getvalue(), "宏.xlsm")
    assert len(doc.measures) == 4


# --- .xls / .et / .csv -----------------------------------------------------------------------------


def _xls_bytes() -> bytes:
    xlwt = pytest.importorskip("xlwt", reason="xlwt（仅测试用）未安装，无法生成 .xls")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("分解表")
    ws.write_merge(0, 0, 0, 4, TITLE)
    for c, h in enumerate(["序号", "具体措施", "牵头单位", "配合单位", "时限要求"]):
        ws.write(1, c, h)
    ws.write(2, 0, 1)
    ws.write(2, 1, "推进项目建设")
    ws.write_merge(2, 3, 2, 2, "市发改委")
    ws.write(2, 3, "市财政局")
    ws.write(2, 4, "2025年12月底前")
    ws.write(3, 0, 2)
    ws.write(3, 1, "完善项目推进机制")
    ws.write(3, 3, "市统计局")
    ws.write(3, 4, "2025年6月底前")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["分解表.xls", "分解表.et"])
def test_xls_and_wps_et(name):
    doc = parse_document(_xls_bytes(), name)
    assert doc.title == TITLE
    got = _by_path(doc)
    assert list(got) == ["1", "2"]
    assert got["1"].lead == ("市发改委",) and got["1"].responsible == ("市财政局",)
    assert got["2"].lead == ("市发改委",) and got["2"].responsible == ("市统计局",)  # merged lead filled down
    assert got["2"].effective_deadline == dt.date(2025, 6, 30)


CSV = (
    "江海市关于推进测试工作的实施方案任务分解表\n"
    "序号,重点任务,牵头单位,责任单位,完成时限\n"
    '1,"建设测试平台，到2027年建成2个",市科技局,"市财政局、市统计局",2027年底前\n'
    "2,完善配套制度,市科技局,,2025年6月底前\n"
)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("gbk", b"")])
def test_csv_utf8_bom_and_gbk(encoding, bom):
    doc = parse_document(bom + CSV.encode(encoding), "分解表.csv")
    assert doc.source_format == "csv"
    assert doc.title == "江海市关于推进测试工作的实施方案任务分解表"
    got = _by_path(doc)
    assert list(got) == ["1", "2"]
    assert got["1"].responsible == ("市财政局", "市统计局")
    assert got["1"].title == "建设测试平台，到2027年建成2个"


# --- Bad input ---------------------------------------------------------------------------------------


def _code(data: bytes, name: str) -> PolicyParseError:
    with pytest.raises(PolicyParseError) as err:
        read_document(data, name, max_bytes=50 * 1024 * 1024)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err.value))
    return err.value


def test_encrypted_workbook_is_refused():
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool（仅测试用）未安装")
    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(_tiered_workbook())).encrypt("secret", out)
    err = _code(out.getvalue(), "加密.xlsx")
    assert err.code == "encrypted" and "密码" in str(err)


def test_no_header_is_a_clear_error():
    wb = openpyxl.Workbook()
    wb.active.append(["这是一份没有表头的说明"])
    wb.active.append(["第二行文字", "别的内容"])
    err = _code(_save(wb), "说明.xlsx")
    assert err.code == "no_table" and "表头" in str(err)


def test_not_a_workbook():
    assert _code(b"PK\x03\x04 not really a zip", "a.xlsx").code == "bad_sheet"
    assert _code(b"plain text pretending", "a.xls").code == "bad_sheet"


def test_zip_bomb_ratio_and_total_size(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_tiered_workbook())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/blob.bin", b"\x00" * (8 * 1024 * 1024))  # ~1000:1
    assert _code(buf.getvalue(), "炸弹.xlsx").code == "zip_bomb"
    monkeypatch.setattr(S, "MAX_UNCOMPRESSED", 1000)
    assert _code(_tiered_workbook(), "大.xlsx").code == "zip_bomb"


def test_huge_cell_area_is_refused_before_reading():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位"])
    ws["XFD1048576"] = "远处的一个值"
    err = _code(_save(wb), "远.xlsx")
    assert err.code == "too_large"


def test_hundred_thousand_empty_rows_are_bounded():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("分解表")
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([1, "建设测试平台", "市科技局", "2025年底前"])
    ws.append([2, "完善配套制度", "市财政局", "2026年底前"])
    for _ in range(100_000):
        ws.append([" ", " ", " ", " "])  # stored as cells, read as empty
    ws.append([3, "这一行在十万空行之后", "市统计局", "2025年底前"])
    data = _save(wb)
    t0 = time.perf_counter()
    doc = parse_document(data, "空行.xlsx")
    assert time.perf_counter() - t0 < 10
    assert [m.title for m in doc.measures] == ["建设测试平台", "完善配套制度"]


def test_row_limit(monkeypatch):
    monkeypatch.setattr(S, "MAX_ROWS", 3)
    assert _code(_tiered_workbook(), "a.xlsx").code == "too_large"


def test_one_hint_lists_every_extension():
    for ext in SUPPORTED_EXTENSIONS:
        if ext != ".text":
            assert ext in SUPPORTED_HINT
    from tasks.web.forms import UploadForm

    assert SUPPORTED_HINT in str(UploadForm().fields["file"].help_text)
    err = _code(b"abc", "a.numbers")
    assert err.code == "unsupported_format" and ".xlsx" in str(err) and ".csv" in str(err)


# --- Import service, command, API, upload page -------------------------------------------------------


@pytest.fixture
def city(db):
    load_demo_city()


@pytest.mark.django_db
def test_import_service_creates_tasks_for_demo_city(city):
    result = policy_import(data=_tiered_workbook(), filename="分解表.xlsx")
    assert result.created and result.measure_count == 4
    doc = result.document
    assert doc.title == TITLE
    tasks = {
        (t.measure.path_key, t.department.name, t.role)
        for t in Task.objects.filter(measure__document=doc).select_related("measure", "department")
    }
    assert ("一/1", "市工业和信息化局", TaskRole.LEAD) in tasks
    assert ("一/1", "市发展和改革委员会", TaskRole.RESPONSIBLE) in tasks
    assert ("一/2", "市工业和信息化局", TaskRole.LEAD) in tasks
    assert ("一/2", "市科学技术局", TaskRole.RESPONSIBLE) in tasks
    assert ("二/4", "市统计局", TaskRole.RESPONSIBLE) in tasks
    assert Measure.objects.get(document=doc, path_key="一/2").deadline == dt.date(2025, 6, 30)


@pytest.mark.django_db
def test_bad_workbook_writes_nothing(city):
    wb = openpyxl.Workbook()
    wb.active.append(["没有表头"])
    with pytest.raises(ImportFileError) as err:
        policy_import(data=_save(wb), filename="x.xlsx")
    assert err.value.code == "no_table"
    assert PolicyDocument.objects.count() == Measure.objects.count() == Task.objects.count() == 0


@pytest.mark.django_db
def test_import_command_reads_xlsx(city, tmp_path: Path):
    path = tmp_path / "分解表.xlsx"
    path.write_bytes(_tiered_workbook())
    out = io.StringIO()
    call_command("import_policy", str(path), stdout=out)
    assert PolicyDocument.objects.get().title == TITLE
    assert Measure.objects.filter(kind=Measure.Kind.MEASURE).count() == 4


@pytest.mark.django_db
def test_api_upload_xlsx_previews_then_confirms(city, client_for):
    client = client_for(factories.SupervisorFactory())
    r = client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("分解表.xlsx", _tiered_workbook())}, format="multipart"
    )
    assert r.status_code == 201, r.content
    preview = r.json()["preview"]
    assert preview["document"]["title"] == TITLE
    assert preview["counts"]["measures"] == 4
    by_path = {m["path_key"]: m for m in preview["measures"]}
    assert by_path["一/2"]["assignments"][0]["departments"][0]["name"] == "市工业和信息化局"
    assert Task.objects.count() == 0
    done = client.post(f"/api/v1/imports/{r.json()['id']}/confirm/", {}, format="json")
    assert done.status_code == 201, done.content
    assert Task.objects.filter(measure__path_key="一/2", role=TaskRole.LEAD).get().department.name == "市工业和信息化局"


@pytest.mark.django_db
def test_upload_page_xlsx_preview(city):
    client = Client()
    client.force_login(factories.SupervisorFactory())  # type: ignore[arg-type]
    resp = client.post("/imports/new/", {"file": SimpleUploadedFile("分解表.xlsx", _tiered_workbook())})
    upload = PolicyUpload.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/imports/{upload.pk}/"
    html = client.get(resp["Location"]).content.decode()
    assert "培育省级专精特新企业30家" in html and "市工业和信息化局" in html and "确认导入" in html
    assert not Task.objects.exists()
