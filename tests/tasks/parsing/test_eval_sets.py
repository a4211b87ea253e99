"""Quality gate: the parser keeps its scores on the blind evaluation sets (bench/eval*/).

Each set was annotated by hand before the parser ran on it (see its README). The floors below sit
just under today's scores, so a change that loses an assignment, a measure or a deadline fails here;
raise them when the parser improves.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tasks.parsing import parse_document, to_gold_dict

REPO = Path(__file__).resolve().parents[3]
SCORER = REPO.parent / "shared" / "tools" / "score_extraction.py"
SETS = sorted(p.parent.parent.name for p in REPO.glob("bench/eval*/gold/*.json"))
SUFFIXES = (".txt", ".html", ".htm", ".docx")


def _scorer():  # type: ignore[no-untyped-def]
    if not SCORER.exists():
        pytest.skip("the shared scorer is not available")
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(set(SETS)))
def test_eval_set_scores_do_not_regress(name: str) -> None:
    scorer = _scorer()
    folder = REPO / "bench" / name
    total = scorer.Tally()
    docs = {p.stem: p for p in (folder / "docs").iterdir() if p.suffix.lower() in SUFFIXES}
    gold_files = sorted((folder / "gold").glob("*.json"))
    assert gold_files and set(docs) == {g.stem for g in gold_files}
    for gold_path in gold_files:
        doc = docs[gold_path.stem]
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pred = json.loads(json.dumps(to_gold_dict(parse_document(doc.read_bytes(), doc.name), doc.name)))
        total.add(scorer.score_doc(gold, pred, False))
    assert total.f1("measures") >= 0.99
    assert total.f1("assign") >= 0.99
    assert total.f1("targets") >= 0.95
    correct, gold_deadlines = total.deadline
    assert correct == gold_deadlines
    assert total.spurious <= 1
