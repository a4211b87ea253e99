"""PDF, OFD, .doc and .wps input: every file is built here from our own content."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from policyparse import PolicyParseError, legacy, ofd, parse_document, pdf
from policyparse.reading import read_document
from tests.tasks import import_docs as D

reportlab = pytest.importorskip("reportlab", reason="reportlab (requirements/local.txt) writes the test PDFs")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Table, TableStyle  # noqa: E402

FONT = "STSong-Light"  # a CID font built into reportlab: no font file needed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PAGE_W, PAGE_H = A4
LEFT, SIZE, TEXT_W = 72.0, 14.0, 420.0

TITLE = "江海市人民政府关于推进数字经济发展的实施方案"
HEADER = "江海市人民政府文件汇编"
PAGE1 = [
    ("center", "江政发〔2026〕8号"),
    ("para", "一、总体要求"),
    (
        "para",
        "到2027年，全市数字经济核心产业增加值达到500亿元，数字经济成为全市高质量发展的重要引擎，"
        "形成一批具有竞争力的产业集群。",
    ),
    ("para", "二、重点任务"),
    (
        "para",
        "（一）培育数字产业集群。到2026年，新培育数字经济企业100家以上，推动软件和信息技术服务业提质增效，"
        "建设特色产业园区。（牵头单位：市工信局；责任单位：市发改委、市财政局）",
    ),
    (
        "para",
        "（二）推进工业互联网。推动企业上云用云，建设行业级工业互联网平台，打造一批智能工厂和数字化车间。"
        "（牵头单位：市工业和信息化局；责任单位：各县(市、区)人民政府）",
    ),
]
PAGE2 = [
    (
        "para",
        "（三）建设数据中心。到2027年建成数据中心2个，统筹布局算力基础设施，提升数据中心绿色低碳水平。"
        "（责任单位：市数据资源局）",
    ),
    ("para", "三、保障措施"),
    ("para", "（一）加强组织领导。建立推进机制，定期研究解决重大问题。（牵头单位：市发改委；责任单位：市统计局）"),
    ("para", "附表：重点项目清单"),
    (
        "table",
        [
            ["序号", "重点任务", "牵头单位", "完成时限"],
            ["1", "建设智慧城市运行中心", "市数据资源局", "2026年12月底前"],
            ["2", "推进5G基站建设", "市工信局", "2027年6月底前"],
        ],
    ),
]


def _wrap(c: canvas.Canvas, text: str, first_x: float) -> list[tuple[float, str]]:
    """Break ``text`` into lines that fill the text block, as a word processor does."""
    out: list[tuple[float, str]] = []
    x, rest = first_x, text
    while rest:
        k = 1
        while k < len(rest) and c.stringWidth(rest[: k + 1], FONT, SIZE) <= LEFT + TEXT_W - x:
            k += 1
        out.append((x, rest[:k]))
        rest, x = rest[k:], LEFT
    return out


def make_pdf(pages=(PAGE1, PAGE2), *, header: str | None = HEADER, title: str | None = TITLE, **kw) -> bytes:
    """A policy document as an OA system prints it: running header, 2-character paragraph indent,
    hard-wrapped lines, ``- n -`` page numbers and a ruled table."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, **kw)
    for n, blocks in enumerate(pages, 1):
        if header:
            c.setFont(FONT, 9)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 40, header)
        y = PAGE_H - 100
        if n == 1 and title:
            c.setFont(FONT, 20)
            c.drawCentredString(PAGE_W / 2, y, title)
            y -= 36
        c.setFont(FONT, SIZE)
        for kind, body in blocks:
            if kind == "center":
                c.drawCentredString(PAGE_W / 2, y, body)
                y -= SIZE * 1.8
            elif kind in ("table", "merged"):
                rows, spans = (body, []) if kind == "table" else body
                t = Table(rows)
                style = [("FONT", (0, 0), (-1, -1), FONT, 10), ("GRID", (0, 0), (-1, -1), 0.5, "black")]
                t.setStyle(TableStyle(style + [("SPAN", a, b) for a, b in spans]))
                _, th = t.wrapOn(c, PAGE_W, PAGE_H)
                t.drawOn(c, LEFT, y - th)
                y -= th + 20
            else:
                for x, line in _wrap(c, body, LEFT + 2 * SIZE):
                    c.drawString(x, y, line)
                    y -= SIZE * 1.8
        c.setFont(FONT, 10)
        c.drawCentredString(PAGE_W / 2, 40, f"- {n} -")
        c.showPage()
    c.save()
    return buf.getvalue()


def lines_to_pages(text: str, per_page: int = 100) -> list[list[tuple[str, object]]]:
    """A plain-text document (title first) as PDF blocks: one paragraph per line."""
    body = [ln for ln in text.splitlines()[1:] if ln.strip()]
    return [[("para", ln) for ln in body[i : i + per_page]] for i in range(0, len(body), per_page)]


# --- PDF ------------------------------------------------------------------------------------


def test_pdfplumber_reads_the_chinese_of_a_reportlab_pdf() -> None:
    data = make_pdf(([("para", "一、总体要求（牵头单位：市工信局）到2027年底前完成。")],), header=None)
    text = pdf.pdf_to_text(data)
    assert text.splitlines() == [TITLE, "一、总体要求（牵头单位：市工信局）到2027年底前完成。"]


def test_two_page_pdf_drops_header_and_page_numbers_joins_lines_and_reads_the_table() -> None:
    text = pdf.pdf_to_text(make_pdf())
    lines = text.splitlines()
    assert HEADER not in text and "- 1 -" not in text and "- 2 -" not in text
    assert lines[:4] == [TITLE, "江政发〔2026〕8号", "一、总体要求", PAGE1[2][1]]
    # Each wrapped paragraph is one line again, across the page break too.
    for block in PAGE1[3:] + PAGE2[:4]:
        assert block[1] in lines
    assert lines[-3:] == [
        "序号|重点任务|牵头单位|完成时限",
        "1|建设智慧城市运行中心|市数据资源局|2026年12月底前",
        "2|推进5G基站建设|市工信局|2027年6月底前",
    ]


def test_pdf_table_with_merged_cells() -> None:
    rows = [
        ["序号", "一级任务", "重点任务", "牵头单位"],
        ["1", "一、产业升级", "实施技术改造", "市工信局"],
        ["2", "", "培育龙头企业", "市发改委"],
        ["二、民生保障", "", "", ""],
        ["3", "二、民生", "建设养老设施", "市民政局"],
    ]
    spans = [((1, 1), (1, 2)), ((0, 3), (3, 3))]  # 一级任务 down two rows; a full-width section row
    data = make_pdf(
        ([("para", "一、任务分解"), ("merged", (rows, spans))],), header=None, title="关于印发任务分解表的通知"
    )
    assert pdf.pdf_to_text(data).splitlines()[2:] == [
        "序号|一级任务|重点任务|牵头单位",
        "1|一、产业升级|实施技术改造|市工信局",
        "2|一、产业升级|培育龙头企业|市发改委",
        "二、民生保障|",
        "3|二、民生|建设养老设施|市民政局",
    ]


def test_header_text_in_the_body_is_kept() -> None:
    pages = ([("para", "一、工作安排"), ("para", HEADER)], [("para", "二、工作要求")], [("para", "三、其他")])
    text = pdf.pdf_to_text(make_pdf(pages, title="关于做好文件汇编工作的通知"))
    assert text.splitlines().count(HEADER) == 1


def test_pdf_imports_like_the_same_text() -> None:
    from_pdf = parse_document(make_pdf(lines_to_pages(D.DOC_DIGITAL), title=D.DOC_DIGITAL.splitlines()[0]), "a.pdf")
    from_txt = parse_document(D.DOC_DIGITAL.encode(), "a.txt")
    assert from_pdf.source_format == "pdf"
    assert from_pdf.title == from_txt.title and from_pdf.doc_number == from_txt.doc_number
    assert [(m.title, m.lead, m.responsible) for m in from_pdf.measures] == [
        (m.title, m.lead, m.responsible) for m in from_txt.measures
    ]


def test_two_page_pdf_measures() -> None:
    doc = parse_document(make_pdf(), "方案.pdf")
    first = doc.measures[0]
    assert (first.title, first.lead, first.responsible) == ("培育数字产业集群", ("市工信局",), ("市发改委", "市财政局"))
    titles = [m.title for m in doc.measures]
    assert "建设数据中心" in titles and "加强组织领导" in titles


def test_scanned_pdf_without_text_layer_is_a_clear_error() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(72, 300, 400, 400, fill=1)  # the "scan": a picture, no text
    c.showPage()
    c.save()
    with pytest.raises(PolicyParseError) as exc:
        read_document(buf.getvalue(), "扫描件.pdf", max_bytes=10**7)
    assert exc.value.code == "scanned_pdf"
    assert "扫描件，无文字层，请提供文字版或 OCR 后再导入" in str(exc.value)


def test_encrypted_pdf_is_a_clear_error() -> None:
    data = make_pdf(([("para", "一、总体要求")],), encrypt="secret")
    with pytest.raises(PolicyParseError) as exc:
        parse_document(data, "加密.pdf")
    assert exc.value.code == "encrypted" and "密码" in str(exc.value)


@pytest.mark.parametrize("data", [b"%PDF-1.4 not really", b"hello world", b"%PDF-1.7\n" + bytes(range(256)) * 10])
def test_broken_pdf_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(PolicyParseError) as exc:
        parse_document(data, "坏.pdf")
    assert exc.value.code in ("bad_pdf", "scanned_pdf")
    assert "PDF" in str(exc.value)


def test_too_many_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    with pytest.raises(PolicyParseError) as exc:
        pdf.pdf_to_text(make_pdf())
    assert exc.value.code == "too_large" and "页数过多" in str(exc.value)


# --- OFD ------------------------------------------------------------------------------------

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _text_object(oid: int, x: float, y: float, text: str, size: float = 4.2) -> str:
    """One TextObject (mm): boundary at (x, y), the baseline ``size`` below it, glyphs ``size`` apart."""
    delta = f"g {len(text) - 1} {size}" if len(text) > 1 else ""
    return (
        f'<ofd:TextObject ID="{oid}" Boundary="{x} {y} {size * len(text) + 1} {size + 1}" Font="2" Size="{size}">'
        f'<ofd:TextCode X="0" Y="{size}" DeltaX="{delta}">{text}</ofd:TextCode></ofd:TextObject>'
    )


def make_ofd(pages: list[list[tuple[float, float, str]]], *, template: str | None = "江海市人民政府") -> bytes:
    """An OFD package: OFD.xml → Document.xml → one Content.xml per page; ``pages`` holds (x, y, text)
    in mm, written in the order given (not reading order). The template page holds a running header."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody>'
            "<ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>",
        )
        page_refs = "".join(
            f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
        )
        z.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
            "<ofd:MaxUnitID>999</ofd:MaxUnitID>"
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            '<ofd:TemplatePage ID="5" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
            f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>",
        )
        if template:
            z.writestr(
                "Doc_0/Tpls/Tpl_0/Content.xml",
                f'<ofd:Page {NS}><ofd:Content><ofd:Layer ID="6">{_text_object(7, 80, 10, template)}'
                "</ofd:Layer></ofd:Content></ofd:Page>",
            )
        for i, items in enumerate(pages):
            objs = "".join(_text_object(100 + k, x, y, t) for k, (x, y, t) in enumerate(items))
            z.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Template TemplateID="5"/>'
                f'<ofd:Content><ofd:Layer ID="{50 + i}"><ofd:PageBlock ID="{60 + i}">{objs}</ofd:PageBlock>'
                "</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return buf.getvalue()


OFD_PAGES: list[list[tuple[float, float, str]]] = [
    [
        (100, 285, "- 1 -"),
        (60, 60, "（一）培育数字产业集群。到2026年新培育数字经济企业100家。"),
        # One printed line in two TextObjects, the right half first:
        (84.2, 67, "责任单位：市发改委）"),
        (38, 67, "（牵头单位：市工信局；"),
        (40, 30, TITLE),
        (70, 40, "江政发〔2026〕8号"),
        (38, 50, "一、重点任务"),
    ],
    [
        (38, 30, "（二）推进工业互联网。推动企业上云用云。"),
        (38, 37, "（牵头单位：市工业和信息化局）"),
        (100, 285, "- 2 -"),
    ],
]


def test_ofd_text_in_reading_order_without_template_and_page_numbers() -> None:
    text = ofd.ofd_to_text(make_ofd(OFD_PAGES))
    assert text.splitlines() == [
        TITLE,
        "江政发〔2026〕8号",
        "一、重点任务",
        "（一）培育数字产业集群。到2026年新培育数字经济企业100家。",
        "（牵头单位：市工信局；责任单位：市发改委）",
        "（二）推进工业互联网。推动企业上云用云。",
        "（牵头单位：市工业和信息化局）",
    ]


def test_ofd_imports_through_parse_document() -> None:
    doc = parse_document(make_ofd(OFD_PAGES), "方案.ofd")
    assert doc.source_format == "ofd" and doc.title == TITLE
    assert [(m.title, m.lead, m.responsible) for m in doc.measures] == [
        ("培育数字产业集群", ("市工信局",), ("市发改委",)),
        ("推进工业互联网", ("市工业和信息化局",), ()),
    ]


def _replace_member(data: bytes, name: str, content: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for info in src.infolist():
            z.writestr(info.filename, content if info.filename == name else src.read(info))
    return buf.getvalue()


def test_ofd_xml_with_entities_is_refused() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>'
        b'<ofd:TextObject Boundary="0 0 10 10" Size="4"><ofd:TextCode X="0" Y="4">&lol2;</ofd:TextCode>'
        b"</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"
    )
    data = _replace_member(make_ofd(OFD_PAGES), "Doc_0/Pages/Page_0/Content.xml", evil)
    with pytest.raises(PolicyParseError) as exc:
        parse_document(data, "实体.ofd")
    assert exc.value.code == "bad_ofd" and "实体" in str(exc.value)


def test_ofd_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>&xxe;</ofd:DocRoot>'
        "</ofd:DocBody></ofd:OFD>"
    ).encode()
    with pytest.raises(PolicyParseError) as exc:
        ofd.ofd_to_text(_replace_member(make_ofd(OFD_PAGES), "OFD.xml", evil))
    assert exc.value.code == "bad_ofd" and "机密" not in str(exc.value)


def test_ofd_zip_bomb_is_refused_before_decompressing() -> None:
    bomb = _replace_member(make_ofd(OFD_PAGES), "Doc_0/Pages/Page_1/Content.xml", b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 100_000  # 8 MB of zeros packs to a few KB: ratio far above the limit
    with pytest.raises(PolicyParseError) as exc:
        ofd.ofd_to_text(bomb)
    assert exc.value.code == "too_large" and "压缩炸弹" in str(exc.value)


def test_ofd_member_and_total_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_ofd(OFD_PAGES)
    monkeypatch.setattr(ofd, "MAX_MEMBER_BYTES", 200)
    with pytest.raises(PolicyParseError) as exc:
        ofd.ofd_to_text(data)
    assert exc.value.code == "too_large"
    monkeypatch.setattr(ofd, "MAX_MEMBER_BYTES", 10**6)
    monkeypatch.setattr(ofd, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(PolicyParseError):
        ofd.ofd_to_text(data)


@pytest.mark.parametrize("data", [b"PK\x03\x04 not a zip", b"plain text", None])
def test_broken_ofd_is_a_clear_error(data: bytes | None) -> None:
    if data is None:  # a zip without OFD.xml
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "x")
        data = buf.getvalue()
    with pytest.raises(PolicyParseError) as exc:
        parse_document(data, "坏.ofd")
    assert exc.value.code == "bad_ofd" and "OFD" in str(exc.value)


def test_ofd_without_text_is_a_clear_error() -> None:
    with pytest.raises(PolicyParseError) as exc:
        ofd.ofd_to_text(make_ofd([[]], template=None))
    assert exc.value.code == "scanned_pdf" and "OCR" in str(exc.value)


# --- .doc / .wps ----------------------------------------------------------------------------

DOC_PARAS = [
    TITLE,
    "一、重点任务",
    "（一）培育数字产业集群。到2026年新培育数字经济企业100家以上。（牵头单位：市工信局；责任单位：市发改委）",
    "（二）推进工业互联网。推动企业上云用云。（牵头单位：市工业和信息化局）",
]
DOC_TABLE = [["序号", "重点任务", "牵头单位"], ["1", "建设智慧城市运行中心", "市数据资源局"]]


def _docx_bytes() -> bytes:
    from docx import Document

    d = Document()
    for p in DOC_PARAS:
        d.add_paragraph(p)
    t = d.add_table(rows=len(DOC_TABLE), cols=len(DOC_TABLE[0]))
    t.style = "Table Grid"
    for i, row in enumerate(DOC_TABLE):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def word97(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real Word 97 .doc written by LibreOffice from our .docx (through .odt: LibreOffice 7.4 drops the
    table of a python-docx file converted straight to .doc)."""
    exe = _soffice()
    if exe is None:
        pytest.skip("LibreOffice 未安装（apt-get install libreoffice-writer-nogui），无法生成 .doc 测试文件")
    work = tmp_path_factory.mktemp("word97")
    (work / "plan.docx").write_bytes(_docx_bytes())
    profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
    for src, fmt in (("plan.docx", "odt"), ("plan.odt", "doc")):
        subprocess.run(
            [exe, profile, "--headless", "--convert-to", fmt, "--outdir", str(work), str(work / src)],
            cwd=work, env={"PATH": "/usr/bin:/bin", "HOME": str(work)}, capture_output=True, timeout=180, check=False,
        )  # fmt: skip
    out = work / "plan.doc"
    if not out.is_file():
        pytest.skip("LibreOffice 未能生成 .doc 测试文件")
    data = out.read_bytes()
    assert data.startswith(legacy.OLE_MAGIC)
    return data


@pytest.mark.parametrize("name", ["antiword", "LibreOffice", "catdoc"])
def test_word97_doc_through_each_converter(word97: bytes, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = {"antiword": "antiword", "catdoc": "catdoc", "LibreOffice": "soffice"}[name]
    if shutil.which(exe) is None:
        pytest.skip(f"{name} 未安装")
    monkeypatch.setattr(legacy, "_CONVERTERS", tuple(c for c in legacy._CONVERTERS if c[0] == name))
    text, _, fmt = read_document(word97, "方案.doc", max_bytes=10**7)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert fmt == "doc"
    assert lines[:4] == DOC_PARAS
    assert lines[4:6] == ["序号|重点任务|牵头单位", "1|建设智慧城市运行中心|市数据资源局"]


def test_wps_file_reads_like_the_word_file_it_is(word97: bytes) -> None:
    if not legacy.available_converters():
        pytest.skip("没有可用的 .doc 转换工具")
    doc = parse_document(word97, "方案.wps")
    assert doc.source_format == "wps" and doc.title == TITLE
    assert [(m.title, m.lead) for m in doc.measures][:2] == [
        ("培育数字产业集群", ("市工信局",)),
        ("推进工业互联网", ("市工业和信息化局",)),
    ]


@pytest.mark.parametrize("name", ["a.doc", "a.wps"])
def test_missing_converter_says_which_package_to_install(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy.shutil, "which", lambda _exe: None)
    with pytest.raises(PolicyParseError) as exc:
        parse_document(legacy.OLE_MAGIC + b"\0" * 1024, name)
    assert exc.value.code == "converter_missing"
    assert "apt-get install antiword 或 catdoc 或 libreoffice-writer-nogui" in str(exc.value)
    assert name[-4:] in str(exc.value)


def test_unreadable_ole_file_is_a_clear_error() -> None:
    if not legacy.available_converters():
        pytest.skip("没有可用的 .doc 转换工具")
    with pytest.raises(PolicyParseError) as exc:
        parse_document(legacy.OLE_MAGIC + b"\0" * 4096, "坏.doc")
    assert exc.value.code == "convert_failed" and "另存为 .docx" in str(exc.value)


def test_hanging_converter_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "antiword"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy.shutil, "which", lambda exe: str(fake) if exe == "antiword" else None)
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT", 1)
    with pytest.raises(PolicyParseError) as exc:
        legacy.doc_to_text(legacy.OLE_MAGIC + b"\0" * 512)
    assert exc.value.code == "convert_failed" and "超时" in str(exc.value)


def _measures(data: bytes, name: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.title, m.lead) for m in parse_document(data, name).measures]


EXPECTED = [("培育数字产业集群", ("市工信局",)), ("推进工业互联网", ("市工业和信息化局",))]


def test_doc_that_is_really_a_docx() -> None:
    text, _, fmt = read_document(_docx_bytes(), "方案.doc", max_bytes=10**7)
    assert fmt == "doc" and "序号|重点任务|牵头单位" in text.splitlines()
    assert _measures(_docx_bytes(), "方案.doc") == [*EXPECTED, ("建设智慧城市运行中心", ("市数据资源局",))]


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        else:
            out.append("".join(f"\\'{b:02x}" for b in ch.encode("gbk")))
    return "".join(out)


def test_doc_that_is_really_rtf() -> None:
    body = "\\par\n".join(_rtf_escape(p) for p in DOC_PARAS)
    row = (
        "\\trowd\\cellx1000\\cellx4000\\cellx6000 "
        + "".join(f"\\intbl {_rtf_escape(c)}\\cell " for c in DOC_TABLE[1])
        + "\\row"
    )
    head = "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 "
    rtf = head + body + "\\par\n" + row + "}"
    data = rtf.encode("ascii")
    text, _, _ = read_document(data, "方案.doc", max_bytes=10**7)
    assert [ln for ln in text.splitlines() if ln][:4] == DOC_PARAS
    assert "1|建设智慧城市运行中心|市数据资源局" in text.splitlines()
    assert _measures(data, "方案.doc") == EXPECTED


def test_doc_that_is_really_an_html_page_in_gbk() -> None:
    html = (
        '<html xmlns:w="urn:schemas-microsoft-com:office:word"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
        + "".join(f"<p>{p}</p>" for p in DOC_PARAS)
        + "</body></html>"
    )
    assert _measures(html.encode("gbk"), "方案.doc") == EXPECTED


def test_doc_that_is_really_a_single_file_web_page() -> None:
    import quopri

    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in DOC_PARAS) + "</body></html>"
    mht = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        b"------=_NextPart_01\r\nContent-Location: file:///C:/plan.htm\r\n"
        b'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="gb2312"\r\n\r\n'
        + quopri.encodestring(html.encode("gbk"))
        + b"\r\n------=_NextPart_01--\r\n"
    )
    assert _measures(mht, "方案.doc") == EXPECTED


def test_doc_that_is_really_word_2003_xml() -> None:
    w = "http://schemas.microsoft.com/office/word/2003/wordml"
    paras = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in DOC_PARAS)
    row = "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in DOC_TABLE[1])
    xml = (
        f'<?xml version="1.0"?><w:wordDocument xmlns:w="{w}"><w:body>{paras}'
        f"<w:tbl><w:tr>{row}</w:tr></w:tbl></w:body></w:wordDocument>"
    )
    text, _, _ = read_document(xml.encode(), "方案.doc", max_bytes=10**7)
    assert text.splitlines() == [*DOC_PARAS, "1|建设智慧城市运行中心|市数据资源局"]


def test_doc_that_is_really_plain_text_and_binary_junk() -> None:
    assert _measures("\n".join(DOC_PARAS).encode("gbk"), "方案.doc") == EXPECTED
    with pytest.raises(PolicyParseError) as exc:
        parse_document(bytes(range(256)) * 8, "坏.doc")
    assert exc.value.code == "bad_doc" and ".doc" in str(exc.value)


# --- Command and API ------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_upload_of_a_pdf_previews_the_same_measures_as_the_text(client_for, supervisor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from departments.demo import load_demo_city

    load_demo_city()
    client = client_for(supervisor)
    title = D.DOC_DIGITAL.splitlines()[0]
    pdf_bytes = make_pdf(lines_to_pages(D.DOC_DIGITAL), title=title)
    r = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("方案.pdf", pdf_bytes)}, format="multipart")
    assert r.status_code == 201, r.content
    preview = r.json()["preview"]
    assert preview["document"]["title"] == title
    r_txt = client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("方案.txt", D.DOC_DIGITAL.encode())}, format="multipart"
    )
    txt = r_txt.json()["preview"]
    assert preview["counts"] == txt["counts"] and preview["counts"]["measures"] == 5
    assert [(m["path_key"], m["title"], [a["name"] for a in m["assignments"]]) for m in preview["measures"]] == [
        (m["path_key"], m["title"], [a["name"] for a in m["assignments"]]) for m in txt["measures"]
    ]


@pytest.mark.django_db
def test_api_scanned_pdf_is_a_400_with_the_chinese_reason(client_for, supervisor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(72, 300, 400, 400, fill=1)
    c.showPage()
    c.save()
    r = client_for(supervisor).post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("扫描.pdf", buf.getvalue())}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["code"] == "scanned_pdf"
    assert "OCR" in r.json()["detail"]


@pytest.mark.django_db
def test_parse_policy_command_reads_pdf_and_ofd(tmp_path: Path) -> None:
    import json

    from django.core.management import call_command

    (tmp_path / "甲.pdf").write_bytes(make_pdf())
    (tmp_path / "乙.ofd").write_bytes(make_ofd(OFD_PAGES))
    out = tmp_path / "out"
    call_command("parse_policy", str(tmp_path / "甲.pdf"), str(tmp_path / "乙.ofd"), "--out", str(out),
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    for name in ("甲.pdf", "乙.ofd"):
        data = json.loads((out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
        assert data["title"] == TITLE
        assert data["measures"][0]["lead"] == ["市工信局"]


@pytest.mark.django_db
def test_upload_page_previews_a_pdf(supervisor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from departments.demo import load_demo_city
    from tasks.models import PolicyUpload, Task

    load_demo_city()
    client = Client()
    client.force_login(supervisor)
    resp = client.post("/imports/new/", {"file": SimpleUploadedFile("方案.pdf", make_pdf())})
    upload = PolicyUpload.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/imports/{upload.pk}/"
    html = client.get(resp["Location"]).content.decode()
    assert "培育数字产业集群" in html and "确认导入" in html
    assert not Task.objects.exists()
