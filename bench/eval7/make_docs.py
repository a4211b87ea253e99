"""Build the seventh blind set's documents in ``bench/eval7/docs`` from ``bench/eval7/src``.

Run from the repository root: ``.venv/bin/python bench/eval7/make_docs.py``.

- ``g1_decimal_outline.src`` → ``.docx``: ``H1``/``H2`` lines are ``Heading 1``/``Heading 2`` paragraphs with typed
  decimal labels (``1 总体要求``, ``2.1 …``), ``C``/``R`` centred/right, other lines body paragraphs.
- ``g3_nested_table.src`` → ``.docx``: ``SECTION`` starts a new landscape section; ``T`` is the caption row of an
  outer 2×1 layout table whose second cell holds a NESTED table built from the ``|`` lines.
- ``g4_rowspan_table.src`` / ``g6_four_lines.src`` → portal ``.html`` (``H`` title, ``I`` info, ``P``/``PC``/``PR``);
  in g4 ``T`` lines are table rows (first one the header), ``S`` a colspan category row, ``^`` a cell covered by the
  ``rowspan`` of the cell above.
- ``g2_yishi_enum.txt`` is written as GB18030, ``g5_bracket_clause.txt`` as UTF-8.
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



def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)


def build_g1() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    for line in _lines("g1_decimal_outline.src"):
        tag, _, rest = line.partition(" ")
        if tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        elif tag in ("H1", "H2"):
            d.add_paragraph(rest, style="Heading 1" if tag == "H1" else "Heading 2")
        else:
            d.add_paragraph(line)
    d.save(str(DOCS / "g1_decimal_outline.docx"))


def build_g3() -> None:
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []
    caption = ""
    for line in _lines("g3_nested_table.src"):
        tag, _, rest = line.partition(" ")
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
        elif tag == "SECTION":
            sec = d.add_section(WD_SECTION.NEW_PAGE)
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = sec.page_height, sec.page_width
        elif tag == "T":
            caption = rest
        elif tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        else:
            d.add_paragraph(line)
    outer = d.add_table(rows=2, cols=1)
    outer.style = "Table Grid"
    outer.cell(0, 0).text = caption
    cell = outer.cell(1, 0)
    inner = cell.add_table(rows=len(rows), cols=len(rows[0]))
    inner.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            inner.cell(r, c).text = value
    d.add_paragraph("")
    d.save(str(DOCS / "g3_nested_table.docx"))


def build_html(stem: str, site: str) -> None:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>{site}</title></head><body>',
        '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="/hd/">互动交流</a></li></ul></div>',
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>',
        '<div class="article">',
    ]
    lines = _lines(f"{stem}.src")
    table: list[list[str]] = []
    cats: dict[int, str] = {}

    def flush() -> None:
        if not table:
            return
        out.append('<table border="1" cellspacing="0" class="tasks">')
        header, body = table[0], table[1:]
        out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>")
        for i, row in enumerate(body):
            if i in cats:
                out.append(f'<tr><td colspan="{len(header)}"><b>{html.escape(cats[i])}</b></td></tr>')
            cells = []
            for c, value in enumerate(row):
                if value == "^":
                    continue
                span = 1
                while i + span < len(body) and body[i + span][c] == "^" and (i + span) not in cats:
                    span += 1
                attr = f' rowspan="{span}"' if span > 1 else ""
                cells.append(f"<td{attr}>{html.escape(value)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
        table.clear()
        cats.clear()

    for line in lines:
        tag, _, rest = line.partition(" ")
        if tag == "T":
            table.append(rest.split("|"))
            continue
        if tag == "S":
            cats[len(table) - 1] = rest
            continue
        flush()
        text = html.escape(rest, quote=False)
        if tag == "H":
            out.append(f'<h1 class="title">{text}</h1>')
        elif tag == "I":
            out.append(f'<div class="info">{text}</div>')
        elif tag == "PR":
            out.append(f'<p style="text-align:right">{text}</p>')
        elif tag == "PC":
            out.append(f'<p style="text-align:center">{text}</p>')
        else:
            out.append(f'<p style="text-indent:2em">{text}</p>')
    flush()
    out += [
        "</div>",
        '<div class="share">分享到：微信 微博　【打印本页】【关闭窗口】</div>',
        f'<div class="footer">主办：{site}　网站标识码：3300000077　ICP备案号：浙ICP备00000001号</div>',
        "</body></html>",
    ]
    (DOCS / f"{stem}.html").write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_g1()
    build_g3()
    build_html("g4_rowspan_table", "云溪区人民政府")
    build_html("g6_four_lines", "江城市人民政府")
    text = (SRC / "g2_yishi_enum.txt").read_text(encoding="utf-8")
    (DOCS / "g2_yishi_enum.txt").write_bytes(text.encode("gb18030"))
    (DOCS / "g5_bracket_clause.txt").write_bytes((SRC / "g5_bracket_clause.txt").read_bytes())


if __name__ == "__main__":
    main()
