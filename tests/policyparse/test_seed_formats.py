"""Quality gate: the development seeds delivered in other formats score like their .txt.

The variants (docx, docx with Word numbering, GBK portal html, GBK+CRLF, UTF-16, PDF-copied text, full-width
digits) are rendered at test time by bench/seed_formats.py from ../shared/seeds; the seed texts are never
stored in the repository. Skipped when the seeds, gold or scorer are absent. Every format reaches the seeds'
own level today, so each must keep measures/assign F1 ≥ 0.99 and every gold deadline.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from policyparse import parse_document, to_gold_dict

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "score_extraction.py"
FORMATS = ["docx", "docx-numbering", "html", "gbk-crlf", "utf16", "pdf-copy", "fullwidth"]
# Per-format floors: (measures F1, assign F1, targets F1). All formats score 1.000 today.
FLOORS = {fmt: (0.99, 0.99, 0.95) for fmt in FORMATS}


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tools() -> tuple[ModuleType, ModuleType]:
    if not SCORER.exists() or not list((SHARED / "seeds").glob("*.txt")) or not (SHARED / "gold").is_dir():
        pytest.skip("the shared seeds, gold or scorer are not available")
    return _load("seed_formats", REPO / "bench" / "seed_formats.py"), _load("score_extraction", SCORER)


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_variants_score_like_the_txt(fmt: str, tools: tuple[ModuleType, ModuleType], tmp_path: Path) -> None:
    seed_formats, scorer = tools
    assert set(seed_formats.FORMATS) == set(FORMATS)
    paths = seed_formats.render(fmt, tmp_path)
    assert paths
    total = scorer.Tally()
    for path in paths:
        gold = json.loads((SHARED / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        pred = json.loads(json.dumps(to_gold_dict(parse_document(path.read_bytes(), path.name), path.name)))
        total.add(scorer.score_doc(gold, pred, False))
    measures, assign, targets = FLOORS[fmt]
    assert total.f1("measures") >= measures
    assert total.f1("assign") >= assign
    assert total.f1("targets") >= targets
    correct, gold_deadlines = total.deadline
    assert correct == gold_deadlines
    assert total.spurious == 0
