"""Build the tenth blind set's documents in ``bench/eval10/docs`` from ``bench/eval10/src``.

Run from the repository root: ``.venv/bin/python bench/eval10/make_docs.py``.

- ``k1_joint_offices.src`` / ``k4_assessment.src`` → ``.docx``: ``C``/``R`` centred/right paragraphs, ``P`` body
  paragraphs, ``T`` lines (cells split on ``|``) one bordered table, printed where its lines are.
- ``k3_rural_nested.src`` → portal ``.html`` (``H`` title, ``I`` info, ``P``/``PC``/``PR`` paragraphs).
- ``k2_investment_measures.txt`` and ``k5_air_campaign.txt`` as UTF-8; ``k6_ascii_punct.txt`` as GB18030.
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
    (DOCS / (name + ".html")).write_text(portal_html(source_lines(SRC, name + ".src"), "江陵市"), encoding="utf-8")


def build_txt() -> None:
    for name, enc in (
        ("k2_investment_measures.txt", "utf-8"),
        ("k5_air_campaign.txt", "utf-8"),
        ("k6_ascii_punct.txt", "gb18030"),
    ):
        (DOCS / name).write_bytes((SRC / name).read_text(encoding="utf-8").encode(enc))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    build_docx("k1_joint_offices")
    build_docx("k4_assessment")
    build_html("k3_rural_nested")
    build_txt()
