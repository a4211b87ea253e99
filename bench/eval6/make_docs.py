"""Build the sixth blind set's documents in ``bench/eval6/docs`` from ``bench/eval6/src``.

Run from the repository root: ``.venv/bin/python bench/eval6/make_docs.py``. Every document is generated:

- ``.src`` → ``.docx`` (f1, f3, f6): ``C``/``R`` lines are centred/right-aligned paragraphs, ``N`` lines are
  ``List Number`` paragraphs (Word automatic numbering ``1.``, ``2.`` … continuing through the document), ``|`` lines
  are a Word table (``^`` = merged with the cell above), other lines are body paragraphs.
- ``.src`` → ``.html`` (f2, f5): a government portal page; ``H`` title, ``I`` info line, ``P``/``PC``/``PR``
  paragraphs (body / centred / right), wrapped in site chrome (navigation, breadcrumb, share bar, footer).
- ``f4_document_lead.txt``: the source encoded as GBK.
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



def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)



def _table(d: Any, rows: list[list[str]]) -> None:
    add_table(d, rows)


def build_docx(stem: str) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []
    for line in _lines(f"{stem}.src"):
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
        elif tag == "N":
            d.add_paragraph(rest, style="List Number")
        else:
            d.add_paragraph(line)
    if rows:
        _table(d, rows)
    d.save(str(DOCS / f"{stem}.docx"))


def build_html(stem: str, site: str) -> None:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>{site}</title></head><body>',
        '<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="/bs/">政务服务</a></li><li><a href="/hd/">互动交流</a></li></ul></div>',
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>',
        '<div class="article">',
    ]
    for line in _lines(f"{stem}.src"):
        tag, _, rest = line.partition(" ")
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
    out += [
        "</div>",
        '<div class="share">分享到：微信 微博　【打印本页】【关闭窗口】</div>',
        '<div class="related"><h4>相关链接</h4><ul><li><a href="/a">国务院部门网站</a></li>'
        '<li><a href="/b">省政府网站</a></li></ul></div>',
        f'<div class="footer">主办：{site}　地址：人民路1号　网站标识码：3300000099　'
        "ICP备案号：浙ICP备00000000号</div>",
        "</body></html>",
    ]
    (DOCS / f"{stem}.html").write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for stem in ("f1_subject_clause", "f3_section_clause", "f6_auto_numbered"):
        build_docx(stem)
    build_html("f2_runin_headings", "桐山市人民政府")
    build_html("f5_plan_period", "临海市人民政府")
    text = (SRC / "f4_document_lead.txt").read_text(encoding="utf-8")
    (DOCS / "f4_document_lead.txt").write_bytes(text.encode("gbk"))


if __name__ == "__main__":
    main()
