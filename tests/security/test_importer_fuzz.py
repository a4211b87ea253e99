"""Hypothesis fuzz of the importer's public entry (policyparse.parse_document: read + parse).

Random bytes, random text made of policy fragments (numbering labels, 牵头单位/责任单位 clauses, dates, |-rows)
in UTF-8 or GBK under every text extension, and random zip structures named .docx/.xlsx/.ofd/.et/.wps: the only
outcomes are a ParsedDocument or a PolicyParseError with a Chinese message — and never the "internal" code,
which is what parse_document turns an unexpected exception into.

Examples per strategy: DUBAN_FUZZ_EXAMPLES (default 125 → 500 cases in CI over the 4 strategies);
the full run is `DUBAN_FUZZ_EXAMPLES=2500` (10,000 cases), see docs/security.md.
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyparse import ParsedDocument, PolicyParseError, parse_document

EXAMPLES = int(os.environ.get("DUBAN_FUZZ_EXAMPLES", "125"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
MAX_BYTES = 256 * 1024
_HAN = re.compile(r"[\u4e00-\u9fff]")

_FRAGMENTS = st.sampled_from(
    [
        "一、", "二、", "（一）", "（二）", "(三)", "1.", "2．", "（1）", "①", "第一条", "第二章",
        "\n", "\n\n", " ", "\t",
        "牵头单位：", "牵头单位:", "责任单位：", "责任单位:", "配合单位：",
        "（牵头单位：市工信局；责任单位：市发改委、市财政局）",
        "市工业和信息化局", "各县(市、区)人民政府", "市直各部门", "、", "；", "。", "，",
        "到2026年", "2026年12月底前", "2027年6月30日前", "每季度", "长期坚持", "持续推进", "年底前",
        "达到500亿元", "增长10%以上", "100家", "|", "| 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 |", "|---|---|",
        "重点任务分解表", "江海市人民政府关于推进数字经济发展的实施方案", "江政发〔2026〕8号", "附件",
        "<p>", "</p>", "<table><tr><td>", "</td><td>", "</td></tr></table>", "\x00", "\ufeff", "\u3000", "🙂",
    ]
)
policy_text = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=80).map("".join)

_ZIP_MEMBERS = [
    "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml",
    "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
    "xl/styles.xml", "OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml", "Doc_0/PublicRes.xml",
    "mimetype", "../evil.txt", "word/media/image1.png",
]


@st.composite
def xml_body(draw) -> bytes:
    text = draw(policy_text)
    wrapper = draw(st.sampled_from([
        "{t}",
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:body></w:document>',
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>{t}</t></si></sst>",
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{t}</t></is></c></row></sheetData></worksheet>',
        '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>'
        "{t}</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer><ofd:TextObject>'
        "<ofd:TextCode X=\"0\" Y=\"0\">{t}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>",
        "<a><b>{t}</b>",  # broken XML
        '<!DOCTYPE x [<!ENTITY e "{t}{t}{t}{t}">]><x>&e;&e;&e;&e;</x>',  # entity expansion
    ]))
    body = wrapper.replace("{t}", text.replace("&", "&amp;").replace("<", "&lt;")).encode("utf-8", "surrogatepass")
    return draw(st.one_of(st.just(body), st.binary(max_size=200)))


@st.composite
def zip_file(draw) -> bytes:
    buf = io.BytesIO()
    names = draw(st.lists(st.one_of(st.sampled_from(_ZIP_MEMBERS), st.text(min_size=1, max_size=20)), max_size=8))
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    with zipfile.ZipFile(buf, "w", compression=compression) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate member names are part of the fuzz
        for name in names:
            try:
                zf.writestr(name, draw(xml_body()))
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile itself cannot write
                continue
    data = buf.getvalue()
    if draw(st.booleans()):  # truncate or corrupt some bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=16)) + data[cut + 16:]
    return data


def check(data: bytes, filename: str) -> None:
    try:
        doc = parse_document(data, filename, max_bytes=MAX_BYTES)
    except PolicyParseError as err:
        assert err.code != "internal", (filename, err, err.__cause__)
        assert _HAN.search(str(err)), err  # a Chinese message for the user
    else:
        assert isinstance(doc, ParsedDocument)


_ALL_EXTENSIONS = ["txt", "html", "htm", "docx", "pdf", "ofd", "doc", "wps", "xlsx", "xls", "et", "csv", "zip", "",
                   "TXT", "md"]


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(_ALL_EXTENSIONS))
def test_random_bytes_under_every_extension(data: bytes, ext: str) -> None:
    check(data, f"文件.{ext}" if ext else "文件")


@FUZZ
@given(policy_text, st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]), st.sampled_from(
    ["txt", "html", "csv", "md", "doc"]))
def test_policy_fragment_text_in_every_text_encoding(text: str, encoding: str, ext: str) -> None:
    data = text.encode(encoding, errors="ignore")
    check(data, f"方案.{ext}")


@FUZZ
@given(zip_file(), st.sampled_from(["docx", "xlsx", "ofd", "et", "wps", "zip", "xls", "doc"]))
def test_random_zip_structures_named_as_office_and_ofd_files(data: bytes, ext: str) -> None:
    check(data, f"方案.{ext}")


@FUZZ
@given(st.lists(st.lists(policy_text.map(lambda s: s.replace("|", "")), min_size=1, max_size=6), max_size=12))
def test_pipe_rows_and_csv_tables(rows: list[list[str]]) -> None:
    text = "\n".join("| " + " | ".join(r) + " |" for r in rows)
    check(text.encode("utf-8", errors="ignore"), "分解表.txt")
    check("\n".join(",".join(c.replace(",", "，") for c in r) for r in rows).encode("utf-8", "ignore"), "分解表.csv")
