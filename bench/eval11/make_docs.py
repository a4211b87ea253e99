"""Build the eleventh blind set's documents in ``bench/eval11/docs`` from ``bench/eval11/src``.

Run from the repository root: ``.venv/bin/python bench/eval11/make_docs.py``.

- ``m1_table_offices.src`` → ``.docx``: ``C``/``R`` centred/right paragraphs, ``P`` body paragraphs, ``T`` lines
  (cells split on ``|``) one bordered table, printed where its lines are.
- ``m3_portal_lines.src`` → portal ``.html`` (``H`` title, ``I`` info, ``P``/``PC``/``PR`` paragraphs).
- ``m2_finance_clauses.txt`` as UTF-8, ``m4_county_list.txt`` as GB18030.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from _docgen import portal_html, source_lines, tagged_docx  # noqa: E402

SRC = HERE / "src"
DOCS = HERE / "docs"


def build_docx(name: str) -> None:
    tagged_docx(source_lines(SRC, name + ".src"), DOCS / (name + ".docx"))


def build_html(name: str) -> None:
    (DOCS / (name + ".html")).write_text(portal_html(source_lines(SRC, name + ".src"), "江州市"), encoding="utf-8")


def build_txt() -> None:
    for name, enc in (("m2_finance_clauses.txt", "utf-8"), ("m4_county_list.txt", "gb18030")):
        (DOCS / name).write_bytes((SRC / name).read_text(encoding="utf-8").encode(enc))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    build_docx("m1_table_offices")
    build_html("m3_portal_lines")
    build_txt()
