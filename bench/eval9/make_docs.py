"""Build the ninth blind set's documents in ``bench/eval9/docs`` from ``bench/eval9/src``.

Run from the repository root: ``.venv/bin/python bench/eval9/make_docs.py``.

- ``i2_count_back.src`` → ``.docx``: ``C``/``R`` centred/right paragraphs, ``P`` body paragraphs.
- ``i5_textbox_number.src`` → ``.docx``: as i2; ``BOX`` is a paragraph whose only text is a Word text box written the
  way newer Word writes it: ``mc:AlternateContent`` with a DrawingML ``wps:txbx`` in ``mc:Choice`` and the same text
  again in a VML ``v:textbox`` in ``mc:Fallback`` (so the text is stored twice).
- ``i6_keyed_tables.src`` → portal ``.html`` (``H`` title, ``I`` info, ``P``/``PC``/``PR``); ``T1`` lines are the
  task table (序号|重点任务|完成时限), ``T2`` lines a second table keyed by 序号 (序号|牵头单位|责任单位); each table is
  printed where its lines are.
- ``i1_range_items.txt``, ``i3_closing_division.txt`` as UTF-8; ``i4_first_listed.txt`` as GBK.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from _docgen import source_lines  # noqa: E402

SRC = HERE / "src"
DOCS = HERE / "docs"

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
_BOX = (
    f"<w:r {_NS}><mc:AlternateContent>"
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
    'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
    '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="2400000" cy="400000"/><wp:wrapNone/><wp:docPr id="1" name="文本框 1"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2400000" cy="400000"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
    '<wps:txbx><w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
    "</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    "</mc:Choice><mc:Fallback><w:pict>"
    '<v:shape id="box1" type="#_x0000_t202" style="width:189pt;height:31.5pt"><v:textbox><w:txbxContent>'
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)


def build_docx(name: str) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml

    d = docx.Document()
    for line in _lines(name + ".src"):
        tag, _, rest = line.partition(" ")
        if tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        elif tag == "BOX":
            p = d.add_paragraph()
            p._p.append(parse_xml(_BOX.format(text=html.escape(rest))))
        elif tag == "P":
            d.add_paragraph(rest)
        else:
            raise ValueError(line)
    d.save(str(DOCS / (name + ".docx")))


def build_i6() -> None:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>东湖市人民政府</title></head><body>',
        '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        "</ul></div>",
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 文件</div>',
        '<div class="article">',
    ]
    table: list[list[str]] = []
    kind = ""

    def flush() -> None:
        if table:
            out.append('<table border="1" cellspacing="0"><tbody>')
            for i, row in enumerate(table):
                cell = "th" if i == 0 else "td"
                out.append("<tr>" + "".join(f"<{cell}>{html.escape(v)}</{cell}>" for v in row) + "</tr>")
            out.append("</tbody></table>")
            table.clear()

    for line in _lines("i6_keyed_tables.src"):
        tag, _, rest = line.partition(" ")
        if tag in ("T1", "T2"):
            if tag != kind:
                flush()
                kind = tag
            table.append(rest.split("|"))
            continue
        flush()
        kind = ""
        if tag == "H":
            out.append(f"<h1>{html.escape(rest)}</h1>")
        elif tag == "I":
            out.append(f'<div class="info">{html.escape(rest)}</div>')
        elif tag == "PC":
            out.append(f'<p style="text-align:center">{html.escape(rest)}</p>')
        elif tag == "PR":
            out.append(f'<p style="text-align:right">{html.escape(rest)}</p>')
        else:
            out.append(f"<p>{html.escape(rest)}</p>")
    flush()
    out.append("</div>")
    out.append('<div class="footer">主办：东湖市人民政府办公室　网站标识码：4200000009</div></body></html>')
    (DOCS / "i6_keyed_tables.html").write_text("\n".join(out) + "\n", encoding="utf-8")


def build_txt() -> None:
    for name, enc in (
        ("i1_range_items.txt", "utf-8"),
        ("i3_closing_division.txt", "utf-8"),
        ("i4_first_listed.txt", "gbk"),
    ):
        (DOCS / name).write_bytes((SRC / name).read_text(encoding="utf-8").encode(enc))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    build_docx("i2_count_back")
    build_docx("i5_textbox_number")
    build_i6()
    build_txt()
