"""Shared helpers for the evaluation sets' document generators (bench/eval*/make_docs.py).

Each set keeps its readable sources in `src/`; its make_docs.py turns them into the delivered
files (docx, encoded txt/html) in `docs/` with these helpers.
"""

from __future__ import annotations

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
