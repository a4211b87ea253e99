"""Build the eighth blind set's documents in ``bench/eval8/docs`` from ``bench/eval8/src``.

Run from the repository root: ``.venv/bin/python bench/eval8/make_docs.py``.

- ``h1_chapter_section.src`` → ``.docx``: ``H1``/``H2`` are ``第一章``/``第一节`` lines as ``Heading 1``/``Heading 2``,
  ``C``/``R`` centred/right, other lines body paragraphs (the ``一、`` measures).
- ``h3_textbox_tables.src`` → ``.docx``: ``BOX`` is a paragraph holding a Word text box (VML ``v:textbox``) with the
  text; ``COMMENT`` attaches a Word comment to the previous paragraph; ``|`` lines are rows of a small 3-column table
  (``重点任务|责任单位|完成时限``) printed after each section heading.
- ``h4_br_units.src`` → portal ``.html`` (``H`` title, ``I`` info, ``P``/``PC``/``PR``); ``T`` lines are table rows
  (first one the header); ``<br>`` in a cell is kept as markup.
- ``h2_lead_line.txt``, ``h6_work_points.txt`` as UTF-8; ``h5_generic_units.txt`` as GB18030.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from _docgen import add_table, source_lines  # noqa: E402

SRC = HERE / "src"
DOCS = HERE / "docs"


def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)


def build_h1() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    for line in _lines("h1_chapter_section.src"):
        tag, _, rest = line.partition(" ")
        if tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        elif tag in ("H1", "H2"):
            d.add_paragraph(rest, style="Heading 1" if tag == "H1" else "Heading 2")
        else:
            d.add_paragraph(line)
    d.save(str(DOCS / "h1_chapter_section.docx"))


_BOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
    '<v:shape id="box1" type="#_x0000_t202" style="width:400pt;height:60pt"><v:textbox><w:txbxContent>'
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)


def build_h3() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml

    d = docx.Document()
    rows: list[list[str]] = []
    last = None

    def flush() -> None:
        if rows:
            add_table(d, list(rows))
            rows.clear()

    for line in _lines("h3_textbox_tables.src"):
        tag, _, rest = line.partition(" ")
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        flush()
        if tag in ("C", "R"):
            last = d.add_paragraph(rest)
            last.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        elif tag == "BOX":
            p = d.add_paragraph()
            p._p.append(parse_xml(_BOX.format(text=html.escape(rest))))
        elif tag == "COMMENT":
            assert last is not None
            d.add_comment(last.runs, text=rest, author="审核人", initials="SH")
        else:
            last = d.add_paragraph(line)
    flush()
    d.save(str(DOCS / "h3_textbox_tables.docx"))


def build_h4() -> None:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>宁川市人民政府</title></head><body>',
        '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        "</ul></div>",
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 文件</div>',
        '<div class="article">',
    ]
    table: list[list[str]] = []
    for line in _lines("h4_br_units.src"):
        tag, _, rest = line.partition(" ")
        if tag == "T":
            table.append(rest.split("|"))
            continue
        if table:
            raise ValueError("table must close the page")
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
    out.append('<table border="1" cellspacing="0"><tbody>')
    for i, row in enumerate(table):
        cell = "th" if i == 0 else "td"
        tds = "".join(f"<{cell}>{'<br>'.join(html.escape(x) for x in v.split('<br>'))}</{cell}>" for v in row)
        out.append(f"<tr>{tds}</tr>")
    out.append("</tbody></table></div>")
    out.append('<div class="footer">主办：宁川市人民政府办公室　网站标识码：3300000001</div></body></html>')
    (DOCS / "h4_br_units.html").write_text("\n".join(out) + "\n", encoding="utf-8")


def build_txt() -> None:
    for name, enc in (
        ("h2_lead_line.txt", "utf-8"),
        ("h5_generic_units.txt", "gb18030"),
        ("h6_work_points.txt", "utf-8"),
    ):
        (DOCS / name).write_bytes((SRC / name).read_text(encoding="utf-8").encode(enc))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    build_h1()
    build_h3()
    build_h4()
    build_txt()
