"""End-to-end quality on the shared seed documents, measured with the shared scorer."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from policyparse import parse_document, to_gold_dict

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The shared seeds/gold/scorer next to the repository (skipped when absent)."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip("shared seeds not available")
    return SHARED.resolve()


def _scorer(shared: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_extraction", shared / "tools" / "score_extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_scores(shared_dir: Path) -> None:
    scorer = _scorer(shared_dir)
    total = scorer.Tally()
    for gold_path in sorted((shared_dir / "gold").glob("*.json")):
        seed = shared_dir / "seeds" / (gold_path.stem + ".txt")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pred = json.loads(json.dumps(to_gold_dict(parse_document(seed.read_bytes(), seed.name), seed.name)))
        total.add(scorer.score_doc(gold, pred, False))
    assert total.f1("measures") >= 0.99
    assert total.f1("assign") >= 0.99
    assert total.deadline[0] / total.deadline[1] >= 0.95
    assert total.spurious == 0
    assert total.f1("targets") >= 0.85
    assert total.recurring[0] >= 0.9 * total.recurring[1]


def test_gold_dict_shape(shared_dir: Path) -> None:
    seed = sorted((shared_dir / "seeds").glob("*.txt"))[0]
    out = to_gold_dict(parse_document(seed.read_bytes(), seed.name), seed.name)
    assert {"document", "title", "doc_number", "issuer", "issued", "horizon", "notes", "measures", "indicators"} <= set(
        out
    )
    m = out["measures"][0]
    assert {
        "path",
        "title",
        "lead",
        "responsible",
        "inherited",
        "deadline_text",
        "deadline",
        "recurring",
        "targets",
    } <= set(m)
    json.dumps(out, ensure_ascii=False)
