"""Build the eleventh blind set's documents in ``bench/eval11/docs`` from ``bench/eval11/src``.

Run from the repository root: ``.venv/bin/python bench/eval11/make_docs.py``.

- ``m1_table_offices.src`` → ``.docx``: ``C``/``R`` centred/right paragraphs, ``P`` body paragraphs, ``T`` lines
  (cells split on ``|``) one bordered table, printed where its lines are.
- ``m3_portal_lines.src`` → portal ``.html`` (``H`` title, ``I`` info, ``P``/``PC``/``PR`` paragraphs).
- ``m2_finance_clauses.txt`` as UTF-8, ``m4_county_list.txt`` as GB18030.
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


def build_docx(name: str) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []
    for line in source_lines(SRC, name + ".src") + ["END"]:
        tag, _, rest = line.partition(" ")
        if tag == "T":
            rows.append(rest.split("|"))
            continue
        if rows:
            add_table(d, rows)
            rows = []
        if tag in ("C", "R"):
            p = d.add_paragraph(rest)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
        elif tag == "P":
            d.add_paragraph(rest)
        elif tag != "END":
            raise ValueError(line)
    d.save(str(DOCS / (name + ".docx")))


def build_html(name: str) -> None:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>江州市人民政府</title></head><body>',
        '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        "</ul></div>",
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 文件</div>',
        '<div class="article">',
    ]
    for line in source_lines(SRC, name + ".src"):
        tag, _, rest = line.partition(" ")
        if tag == "H":
            out.append(f"<h1>{html.escape(rest)}</h1>")
        elif tag == "I":
            out.append(f'<div class="info">{html.escape(rest)}</div>')
        elif tag == "PC":
            out.append(f'<p style="text-align:center">{html.escape(rest)}</p>')
        elif tag == "PR":
            out.append(f'<p style="text-align:right">{html.escape(rest)}</p>')
        elif tag == "P":
            out.append(f'<p style="text-indent:2em">{html.escape(rest)}</p>')
        else:
            raise ValueError(line)
    out.append("</div>")
    out.append('<div class="footer">主办：江州市人民政府办公室　网站标识码：4210000010</div></body></html>')
    (DOCS / (name + ".html")).write_text("\n".join(out) + "\n", encoding="utf-8")


def build_txt() -> None:
    for name, enc in (("m2_finance_clauses.txt", "utf-8"), ("m4_county_list.txt", "gb18030")):
        (DOCS / name).write_bytes((SRC / name).read_text(encoding="utf-8").encode(enc))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    build_docx("m1_table_offices")
    build_html("m3_portal_lines")
    build_txt()
