"""Shared helpers for the evaluation sets' document generators (bench/eval*/make_docs.py).

Each set keeps its readable sources in `src/`; its make_docs.py turns them into the delivered
files (docx, encoded txt/html) in `docs/` with these helpers.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any


def source_lines(src: Path, name: str) -> list[str]:
    """The non-blank lines of `src/name` (UTF-8)."""
    return [ln for ln in (src / name).read_text(encoding="utf-8").splitlines() if ln.strip()]


def add_table(document: Any, rows: list[list[str]]) -> None:
    """A bordered Word table from `rows`; a "^" cell merges into the cell above, "<" into the cell on the left."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if value not in ("^", "<"):
                table.cell(r, c).text = value
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if value == "<":
                table.cell(r, c - 1).merge(table.cell(r, c))
    for c in range(len(rows[0])):
        r = 0
        while r < len(rows):
            end = r + 1
            while end < len(rows) and rows[end][c] == "^":
                end += 1
            if end - r > 1:
                table.cell(r, c).merge(table.cell(end - 1, c))
            r = end


def tagged_docx(lines: list[str], out: Path) -> None:
    """A .docx from tagged lines: ``C``/``R`` centred/right paragraphs, ``P`` body paragraphs, and runs of
    ``T a|b|c`` lines as one bordered table, printed where its lines are."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []
    for line in [*lines, "END"]:
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
    d.save(str(out))


def portal_html(lines: list[str], city: str) -> str:
    """A government portal page around tagged lines: ``H`` title, ``I`` info line, ``P``/``PC``/``PR``
    indented/centred/right paragraphs; header nav, breadcrumb and a 主办/网站标识码 footer as real sites have."""
    out = [
        "<!DOCTYPE html>",
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>{city}人民政府</title></head><body>',
        '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        "</ul></div>",
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 文件</div>',
        '<div class="article">',
    ]
    for line in lines:
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
    out.append(f'<div class="footer">主办：{city}人民政府办公室　网站标识码：4210000010</div></body></html>')
    return "\n".join(out) + "\n"
