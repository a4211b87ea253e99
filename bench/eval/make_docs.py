"""Build the blind evaluation documents in ``bench/eval/docs`` from the sources in ``bench/eval/src``.

Run from the repository root: ``.venv/bin/python bench/eval/make_docs.py``.

- ``a_county_task_breakdown.docx``: paragraphs plus a task table; lines of the source that start with ``|`` are
  table rows, and a ``^`` cell continues (vertically merges with) the cell above.
- ``b_city_opinions.html``: the body lines as ``<p>`` inside a government-site page (chrome), encoded as GBK.
- ``d_action_plan.txt``: the source re-encoded as GBK.
- ``e_duty_division.docx``: lines starting with ``#`` get Word automatic numbering ``（一）`` (the label is not in
  the text); ``牵头单位：``/``责任单位：``/``完成时限：`` labels are bold runs.

``c_province_measures.txt`` and ``f_web_flat_table.txt`` are written by hand directly in ``docs``.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from _docgen import source_lines  # noqa: E402

SRC = HERE / "src"
DOCS = HERE / "docs"

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LABELS = ("牵头单位：", "责任单位：", "完成时限：")



def _lines(name: str) -> list[str]:
    return source_lines(SRC, name)


def _para(d: Any, text: str, *, bold_prefix: str = "", align: Any = None) -> Any:
    p = d.add_paragraph()
    if bold_prefix:
        p.add_run(bold_prefix).bold = True
        text = text[len(bold_prefix) :]
    # split the text over several runs, as Word does after edits
    mid = len(text) // 2
    for chunk in (text[:mid], text[mid:]):
        if chunk:
            p.add_run(chunk)
    if align is not None:
        p.alignment = align
    return p


def build_a() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []
    lines = _lines("a_county_task_breakdown.src")

    def flush() -> None:
        if not rows:
            return
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if value == "^":
                    table.cell(r - 1, c).merge(table.cell(r, c))
                    continue
                table.cell(r, c).text = value
        rows.clear()

    for i, line in enumerate(lines):
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        flush()
        align = WD_ALIGN_PARAGRAPH.CENTER if i in (0, 1, 7) else None
        if line.endswith("人民政府办公室") or line.startswith("2024年3月8日"):
            align = WD_ALIGN_PARAGRAPH.RIGHT
        _para(d, line, align=align)
    flush()
    d.save(str(DOCS / "a_county_task_breakdown.docx"))


def build_b() -> None:
    chrome = (SRC / "b_city_opinions.chrome").read_text(encoding="utf-8")
    parts = []
    for line in _lines("b_city_opinions.body"):
        text = html.escape(line, quote=False)
        if line[0] in "一二三四五六七八九十" and "、" in line[:3]:
            parts.append(f'<p style="text-indent:2em;"><strong>{text}</strong></p>')
        elif line.startswith("江州市人民政府") or line.startswith("2023年9月12日"):
            parts.append(f'<p style="text-align:right;">{text}</p>')
        else:
            parts.append(f'<p style="text-indent:2em;">&nbsp;&nbsp;{text}</p>')
    page = chrome.replace("{BODY}", "\n".join(parts))
    (DOCS / "b_city_opinions.html").write_bytes(page.encode("gbk"))


def build_d() -> None:
    text = (SRC / "d_action_plan.txt").read_text(encoding="utf-8")
    (DOCS / "d_action_plan.txt").write_bytes(text.replace("\n", "\r\n").encode("gbk"))


def build_e() -> None:
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="77"><w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%1）"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    for line in _lines("e_duty_division.src"):
        if line.startswith("#"):
            p = _para(d, line[1:])
            p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {_W}><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr>'))
            continue
        prefix = next((lab for lab in LABELS if line.startswith(lab)), "")
        _para(d, line, bold_prefix=prefix)
    d.save(str(DOCS / "e_duty_division.docx"))


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_a()
    build_b()
    build_d()
    build_e()
    for path in sorted(DOCS.iterdir()):
        print(f"{path.name:32s} {path.stat().st_size:7d} bytes")


if __name__ == "__main__":
    main()
