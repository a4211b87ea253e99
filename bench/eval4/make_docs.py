"""Build the fourth blind set's documents in ``bench/eval4/docs`` from ``bench/eval4/src``.

Run from the repository root: ``.venv/bin/python bench/eval4/make_docs.py``. Every document is generated:

- ``t_pdf_opinions.txt``: text as copied out of a PDF — every paragraph hard-wrapped at 30 characters (breaks
  fall inside sentences, department names and clauses), no indentation, and every 20 lines a page footer
  (``— N —``, indented on odd pages) followed by the running header ``青岚市人民政府规范性文件``.
- ``u_wps_division.docx``: a WPS-style export — ``N1 `` lines get Word automatic numbering ``一、`` (the label is not
  in the text), ``（一）`` is typed; ``[FN:…]`` becomes a footnote; header/footer carry the issuing office and a page
  number; empty paragraphs between blocks; ``PAGEBREAK``; ``|`` lines are a table whose ``^`` cells are merged
  vertically with the cell above; the 版记 (``抄送：``/``…印发``) ends the document.
- ``v_saved_page.html``: a browser "另存为" page — ``saved from url`` comment, Word ``MsoNormal`` paragraphs whose
  text is cut into ``<span style>`` runs every 7 characters (splitting names), ``<o:p></o:p>``, ``&#12288;``
  indentation, empty ``<o:p>&nbsp;</o:p>`` paragraphs, and a layout ``<table>`` with navigation and a footer.
- ``w_gbk_fullwidth.txt``: the source in GBK with CRLF (full-width digits and punctuation are in the source).
- ``x_clause_before.txt``: UTF-8; a ``第 N 页 共 M 页`` line after every 9 lines (also between a clause and its item).
- ``y_bom_circled.htm``: UTF-8 with BOM, one ``<p>`` per line, ``①②③`` measures under ``1.`` items.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from _docgen import add_table, source_lines  # noqa: E402

SRC = HERE / "src"
DOCS = HERE / "docs"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'



def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)


def build_t() -> None:
    lines: list[str] = []
    for para in _lines("t_pdf_opinions.txt"):
        lines.extend(para[i : i + 30] for i in range(0, len(para), 30))
    out: list[str] = []
    page = 1
    for i, line in enumerate(lines, 1):
        out.append(line)
        if i % 20 == 0 and i < len(lines):
            out.append(("                  " if page % 2 else "") + f"— {page} —")
            out.append("青岚市人民政府规范性文件")
            page += 1
    out.append(("                  " if page % 2 else "") + f"— {page} —")
    (DOCS / "t_pdf_opinions.txt").write_text("\n".join(out) + "\n", encoding="utf-8")


def _add_footnotes_part(d: Any) -> Any:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    xml = (
        f"<w:footnotes {_W}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    part = XmlPart(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        parse_xml(xml),
        d.part.package,
    )
    d.part.relate_to(part, RT.FOOTNOTES)
    return part


def _para_with_footnotes(d: Any, text: str, notes: Any, counter: list[int]) -> Any:
    from docx.oxml import parse_xml

    p = d.add_paragraph()
    rest = text
    while "[FN:" in rest:
        before, _, tail = rest.partition("[FN:")
        note, _, rest = tail.partition("]")
        p.add_run(before)
        counter[0] += 1
        fid = counter[0]
        notes.element.append(
            parse_xml(
                f'<w:footnote {_W} w:id="{fid}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {note}</w:t></w:r></w:p></w:footnote>'
            )
        )
        p._p.append(
            parse_xml(
                f'<w:r {_W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{fid}"/></w:r>'
            )
        )
    if rest:
        mid = len(rest) // 2
        p.add_run(rest[:mid])
        p.add_run(rest[mid:])
    return p



def _table(d: Any, rows: list[list[str]]) -> None:
    add_table(d, rows)


def build_u() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import parse_xml

    d = docx.Document()
    sec = d.sections[0]
    sec.header.paragraphs[0].text = "澄江市人民政府办公室"
    sec.footer.paragraphs[0].text = "— 1 —"
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="88"><w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="88"><w:abstractNumId w:val="88"/></w:num>'))
    notes = _add_footnotes_part(d)
    counter = [0]
    rows: list[list[str]] = []
    for i, line in enumerate(_lines("u_wps_division.src")):
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        if rows:
            _table(d, rows)
            rows = []
        if line == "PAGEBREAK":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        tag, _, rest = line.partition(" ")
        if tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        elif tag == "N1":
            p = d.add_paragraph(rest)
            p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {_W}><w:ilvl w:val="0"/><w:numId w:val="88"/></w:numPr>'))
        else:
            _para_with_footnotes(d, line, notes, counter)
        if i % 3 == 2:
            d.add_paragraph("")
    if rows:
        _table(d, rows)
    d.save(str(DOCS / "u_wps_division.docx"))


def _spans(text: str) -> str:
    styles = ("font-family:仿宋_GB2312;font-size:16.0pt", "font-family:仿宋_GB2312;color:black", "mso-spacerun:yes")
    parts = [text[i : i + 7] for i in range(0, len(text), 7)]
    return "".join(f"<span style='{styles[k % 3]}'>{html.escape(s)}</span>" for k, s in enumerate(parts))


def build_v() -> None:
    body: list[str] = []
    for k, line in enumerate(_lines("v_saved_page.src")):
        if line.startswith("（") and "）" in line[:5]:
            label, _, rest = line.partition("）")
            inner = f"<b><span style='font-family:楷体_GB2312'>{html.escape(label)}）</span></b>{_spans(rest)}"
        else:
            inner = _spans(line)
        body.append(f"<p class=MsoNormal style='text-indent:32.0pt'>&#12288;&#12288;{inner}<o:p></o:p></p>")
        if k % 4 == 3:
            body.append("<p class=MsoNormal><o:p>&nbsp;</o:p></p>")
    page = (
        "<!DOCTYPE html>\n"
        "<!-- saved from url=(0064)http://www.yunling.gov.cn/zwgk/zcwj/szfbgswj/202502/t20250220_88.html -->\n"
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
        "<title>云岭市人民政府办公室关于印发云岭市促进消费扩容提质三年行动计划（2025—2027年）的通知_市政府办文件_云岭市人民政府</title>\n"
        "<style>p.MsoNormal{margin:0cm;text-align:justify}</style></head>\n<body>\n"
        '<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td colspan="2">'
        '<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 市政府办文件</td></tr>\n'
        '<tr><td width="200" valign="top"><a href="/zwgk/zcjd/">政策解读</a><br>'
        '<a href="/hdjl/">互动交流</a></td>\n'
        '<td width="800" valign="top"><div class=WordSection1>\n' + "\n".join(body) + "\n</div></td></tr>\n"
        '<tr><td colspan="2" align="center">【打印本页】　【关闭窗口】</td></tr>\n'
        '<tr><td colspan="2" align="center">版权所有：云岭市人民政府办公室　网站标识码：5300000012</td></tr>\n'
        "</table>\n</body>\n</html>\n"
    )
    (DOCS / "v_saved_page.html").write_text(page, encoding="utf-8")


def build_w() -> None:
    text = (SRC / "w_gbk_fullwidth.txt").read_text(encoding="utf-8")
    (DOCS / "w_gbk_fullwidth.txt").write_bytes(text.replace("\n", "\r\n").encode("gbk"))


def build_x() -> None:
    lines = _lines("x_clause_before.txt")
    total = (len(lines) + 8) // 9
    out: list[str] = []
    for i, line in enumerate(lines, 1):
        out.append(line)
        if i % 9 == 0 or i == len(lines):
            out.append(f"第 {(i + 8) // 9} 页 共 {total} 页")
    (DOCS / "x_clause_before.txt").write_text("\n".join(out) + "\n", encoding="utf-8")


def build_y() -> None:
    paras = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in _lines("y_bom_circled.src"))
    page = (
        '<html><head><meta charset="utf-8"><title>江屿市乡村振兴示范带建设行动计划</title></head>\n'
        f'<body><div class="article">\n{paras}\n</div></body></html>\n'
    )
    (DOCS / "y_bom_circled.htm").write_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"))


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for build in (build_t, build_u, build_v, build_w, build_x, build_y):
        build()
    for path in sorted(DOCS.iterdir()):
        print(f"{path.name:28s} {path.stat().st_size:7d} bytes")


if __name__ == "__main__":
    main()
