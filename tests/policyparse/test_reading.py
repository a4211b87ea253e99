"""Bytes → text: formats, encodings and the PolicyParseError contract."""

from __future__ import annotations

import io

import pytest

from policyparse import PolicyParseError, parse_document
from policyparse.reading import decode_bytes, html_to_text, read_document

SAMPLE = "一、加强统筹。建立工作专班。（牵头单位：区发改局）\n二、强化考核。每季度通报一次。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_decodes_common_chinese_encodings(encoding: str) -> None:
    doc = parse_document(SAMPLE.encode(encoding), "plan.txt")
    assert [m.title for m in doc.measures] == ["加强统筹", "强化考核"]
    assert doc.measures[0].lead == ("区发改局",)


def test_decode_reports_the_encoding() -> None:
    assert decode_bytes("中文".encode("gbk"))[1] == "gb18030"
    assert decode_bytes("中文".encode())[1] == "utf-8"
    assert decode_bytes(b"\xef\xbb\xbf" + "中文".encode())[1] == "utf-8-sig"


@pytest.mark.parametrize(
    ("data", "name", "code", "message"),
    [
        (b"", "a.txt", "empty", "文件为空。"),
        (b"   \n\t ", "a.txt", "empty", "文件为空。"),
        (b"\x00\x01\x02\xff\xfe\x00\x00\x10", "a.txt", "binary", None),
        (b"%PDF-1.4", "a.pdf", "bad_pdf", "无法读取 PDF 文件：文件已损坏或不是 PDF。"),
        (b"%PDF-1.4", "a.pages", "unsupported_format", None),
        (b"abc", "noext", "unsupported_format", None),
        (b"not a zip", "a.docx", "bad_docx", None),
        (b"PK\x03\x04broken", "a.docx", "bad_docx", None),
    ],
)
def test_errors_are_policy_parse_errors(data: bytes, name: str, code: str, message: str | None) -> None:
    with pytest.raises(PolicyParseError) as exc:
        parse_document(data, name)
    assert exc.value.code == code
    if message:
        assert str(exc.value) == message


def test_too_large_message_names_the_limit() -> None:
    with pytest.raises(PolicyParseError) as exc:
        parse_document(b"x" * (20 * 1024 * 1024 + 1), "big.txt")
    assert exc.value.code == "too_large"
    assert str(exc.value) == "文件超过大小上限（20 MB）。"


def test_extension_is_case_insensitive() -> None:
    assert parse_document(SAMPLE.encode(), "PLAN.TXT").source_format == "txt"


HTML = """<html><head><title>站点标题</title><style>p{color:red}</style>
<script>var s = "一、脚本里的假标题";</script></head><body>
<nav>首页 &gt; 通知公告</nav><div>分享到：微信</div><div>字号：[大 中 小]</div>
<h2>某市关于推进老旧小区改造的实施方案</h2>
<p>一、重点任务</p><p>（一）完善配套设施。新增停车位800个。<br/>（区住建局牵头，区城管局配合）</p>
<table><tr><th>序号</th><th>任务</th></tr><tr><td>1</td><td>加装电梯</td></tr></table>
<div class="footer">版权所有 © 某市人民政府</div></body></html>"""


def test_html_strips_markup_scripts_and_junk() -> None:
    text = html_to_text(HTML)
    assert "脚本里的假标题" not in text and "color" not in text
    assert "序号|任务" in text and "1|加装电梯" in text
    doc = parse_document(HTML.encode(), "page.htm")
    assert doc.title == "某市关于推进老旧小区改造的实施方案"
    (m,) = doc.measures
    assert m.path == ("一", "（一）")
    assert (m.lead, m.responsible) == (("区住建局",), ("区城管局",))
    assert m.targets[0].value == 800


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某区关于推进垃圾分类的工作方案")
    d.add_paragraph("一、主要任务")
    d.add_paragraph("（一）完善收运体系。年底前建成中转站3座。")
    table = d.add_table(rows=2, cols=4)
    for j, c in enumerate(["序号", "重点任务", "牵头单位", "完成时限"]):
        table.cell(0, j).text = c
    for j, c in enumerate(["1", "建设示范小区20个。", "区城管局", "2024年9月底前"]):
        table.cell(1, j).text = c
    d.add_paragraph("（二）加强宣传引导。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_body_order() -> None:
    text, _, fmt = read_document(_docx_bytes(), "plan.docx", max_bytes=10**7)
    assert fmt == "docx"
    lines = text.splitlines()
    assert lines.index("1|建设示范小区20个。|区城管局|2024年9月底前") < lines.index("（二）加强宣传引导。")
    doc = parse_document(_docx_bytes(), "plan.docx")
    row = next(m for m in doc.measures if m.path == ("1",))
    assert row.lead == ("区城管局",)
    assert row.deadline is not None and row.deadline.isoformat() == "2024-09-30"


def test_traditional_characters_are_matched() -> None:
    doc = parse_document("一、推進改革。（牽頭單位：市發改委；責任單位：市財政局）".encode(), "t.txt")
    (m,) = doc.measures
    # matched through the simplified text, printed as in the source (gold: strings as printed)
    assert m.lead == ("市發改委",)
    assert m.responsible == ("市財政局",)
