"""Build the second blind set's binary/encoded documents in ``bench/eval2/docs`` from ``bench/eval2/src``.

Run from the repository root: ``.venv/bin/python bench/eval2/make_docs.py``.

- ``i_party_office_list.txt``: the source as UTF-8 with a BOM and CRLF line ends (a Windows Notepad save).
- ``k_village_table.docx``: typed (manual) numbering, some with a tab after the label; lines starting with ``|``
  are rows of a task table (序号|主要任务|具体措施|责任单位|时间进度); ``¶`` splits a cell into paragraphs.
  ``责任单位：`` labels are bold runs.
- ``l_three_year_plan.txt``: the source re-encoded as GB18030 with CRLF.

``h_report_division.txt``, ``j_open_platform.html`` and ``m_traditional.txt`` are written by hand in ``docs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
DOCS = HERE / "docs"


def _para(d: Any, text: str, *, bold_prefix: str = "", align: Any = None) -> Any:
    p = d.add_paragraph()
    if bold_prefix:
        p.add_run(bold_prefix).bold = True
        text = text[len(bold_prefix) :]
    mid = len(text) // 2
    for chunk in (text[:mid], text[mid:]):
        if chunk:
            p.add_run(chunk)
    if align is not None:
        p.alignment = align
    return p


def build_i() -> None:
    text = (SRC / "i_party_office_list.txt").read_text(encoding="utf-8")
    (DOCS / "i_party_office_list.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))


def build_k() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                cell = table.cell(r, c)
                parts = value.split("¶")
                cell.text = parts[0]
                for extra in parts[1:]:
                    cell.add_paragraph(extra)
        rows.clear()

    lines = [ln for ln in (SRC / "k_village_table.src").read_text(encoding="utf-8").splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        flush()
        line = line.replace("\\t", "\t")
        align = WD_ALIGN_PARAGRAPH.CENTER if i in (0, 1, 2, 7) else None
        if line in ("石门县农业农村局", "2024年3月1日"):
            align = WD_ALIGN_PARAGRAPH.RIGHT
        _para(d, line, bold_prefix="责任单位：" if line.startswith("责任单位：") else "", align=align)
    flush()
    d.save(str(DOCS / "k_village_table.docx"))


def build_l() -> None:
    text = (SRC / "l_three_year_plan.txt").read_text(encoding="utf-8")
    (DOCS / "l_three_year_plan.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_i()
    build_k()
    build_l()
    for path in sorted(DOCS.iterdir()):
        print(f"{path.name:28s} {path.stat().st_size:7d} bytes")


if __name__ == "__main__":
    main()
