"""Build the third blind set's binary/encoded documents in ``bench/eval3/docs`` from ``bench/eval3/src``.

Run from the repository root: ``.venv/bin/python bench/eval3/make_docs.py``.

- ``o_work_points.docx``: ``H1 ``/``H2 `` lines become ``Heading 1``/``Heading 2`` paragraphs (the task
  ``1．…`` headings), ``T `` the ``Title`` style, ``C ``/``R `` centred/right-aligned paragraphs; body text as is.
- ``p_four_level_table.docx``: lines starting with ``|`` are rows of one table; a ``^`` cell is merged
  vertically with the cell above (Word ``vMerge``), as the 一级任务/二级任务 columns are.
- ``r_project_list.txt``: the source as UTF-16 (little-endian, with BOM) and CRLF line ends.

``n_portal_plan.html``, ``q_policy_measures.txt`` and ``s_html_th_table.html`` are written by hand in ``docs``.
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


def _para(d: Any, line: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    tag, _, rest = line.partition(" ")
    if tag == "H1":
        d.add_paragraph(rest, style="Heading 1")
    elif tag == "H2":
        d.add_paragraph(rest, style="Heading 2")
    elif tag == "T":
        d.add_paragraph(rest, style="Title")
    elif tag in ("C", "R"):
        p = d.add_paragraph(rest)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if tag == "C" else WD_ALIGN_PARAGRAPH.RIGHT
    else:
        p = d.add_paragraph()
        mid = len(line) // 3
        p.add_run(line[:mid])
        p.add_run(line[mid:])


def build_o() -> None:
    import docx

    d = docx.Document()
    for line in _lines("o_work_points.src"):
        _para(d, line)
    d.save(str(DOCS / "o_work_points.docx"))


def build_p() -> None:
    import docx

    d = docx.Document()
    rows: list[list[str]] = []
    for line in _lines("p_four_level_table.src"):
        if line.startswith("|"):
            rows.append(line[1:].split("|"))
            continue
        if rows:
            _table(d, rows)
            rows = []
        _para(d, line)
    if rows:
        _table(d, rows)
    d.save(str(DOCS / "p_four_level_table.docx"))



def _table(d: Any, rows: list[list[str]]) -> None:
    add_table(d, rows)


def build_r() -> None:
    text = (SRC / "r_project_list.txt").read_text(encoding="utf-8")
    (DOCS / "r_project_list.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-16"))


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_o()
    build_p()
    build_r()
    for path in sorted(DOCS.iterdir()):
        print(f"{path.name:28s} {path.stat().st_size:7d} bytes")


if __name__ == "__main__":
    main()
