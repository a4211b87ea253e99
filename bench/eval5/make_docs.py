"""Build the fifth blind set's documents in ``bench/eval5/docs`` from ``bench/eval5/src``.

Run from the repository root: ``.venv/bin/python bench/eval5/make_docs.py``. Every document is generated:

- ``z1_province_division.txt``, ``z2_district_heading.txt``, ``z6_special_columns.txt``: the source as UTF-8.
- ``z3_inline_subpoints.txt``: the source as UTF-8 with CRLF line ends.
- ``z4_two_row_header.docx``: ``C``/``R`` lines are centred/right-aligned paragraphs, other lines body paragraphs;
  ``|`` lines are a table whose ``^`` cells are merged with the cell above and ``<`` cells with the cell to the left
  (a two-row header: 责任分工 spans 牵头单位/责任单位; 序号, 重点任务, 完成时限, 备注 span both header rows).
- ``z5_html_list.html``: a portal page; ``H``/``H3`` headings, ``P``/``PR``/``PC`` paragraphs, ``I`` an info line,
  each ``LI`` line one ``<li>`` of a ``<ul>`` (inline ``<b>牵头单位：</b>`` labels kept as written), with site chrome.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from _docgen import add_table, source_lines  # noqa: E402

SRC = HERE / "src"
DOCS = HERE / "docs"



def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)



def _table(d: Any, rows: list[list[str]]) -> None:
    add_table(d, rows)


def build_z4() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []
    for line in _lines("z4_two_row_header.src"):
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        if rows:
            _table(d, rows)
            rows = []
        tag, _, rest = line.partition(" ")
        if tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        else:
            d.add_paragraph(line)
    if rows:
        _table(d, rows)
    d.save(str(DOCS / "z4_two_row_header.docx"))


def build_z5() -> None:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>云溪市人民政府门户网站</title></head><body>',
        '<div class="top"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>',
        '<div class="article">',
    ]
    in_list = False
    for line in _lines("z5_html_list.src"):
        tag, _, rest = line.partition(" ")
        if tag == "LI":
            if not in_list:
                out.append('<ul class="task-list">')
                in_list = True
            out.append(f"<li>{rest}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if tag == "H":
            out.append(f"<h1>{rest}</h1>")
        elif tag == "H3":
            out.append(f"<h3>{rest}</h3>")
        elif tag == "I":
            out.append(f'<div class="info">{rest}</div>')
        elif tag == "PR":
            out.append(f'<p style="text-align:right">{rest}</p>')
        elif tag == "PC":
            out.append(f'<p style="text-align:center"><strong>{rest}</strong></p>')
        else:
            out.append(f'<p style="text-indent:2em">{rest}</p>')
    if in_list:
        out.append("</ul>")
    out += [
        "</div>",
        '<div class="share">分享到：微信 微博　【打印】【关闭】</div>',
        '<div class="footer">主办：云溪市人民政府办公室　网站标识码：0000000001</div>',
        "</body></html>",
    ]
    (DOCS / "z5_html_list.html").write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name in ("z1_province_division.txt", "z2_district_heading.txt", "z6_special_columns.txt"):
        (DOCS / name).write_text((SRC / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (SRC / "z3_inline_subpoints.txt").read_text(encoding="utf-8")
    (DOCS / "z3_inline_subpoints.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    build_z4()
    build_z5()


if __name__ == "__main__":
    main()
