"""Score the parser against the real documents with hand-checked gold in ../shared, in one run.

    .venv/bin/python bench/evaluate.py                  # seeds + corpus: per-document and overall lines
    .venv/bin/python bench/evaluate.py corpus -v        # one set, with the scorer's line per miss
    .venv/bin/python bench/evaluate.py --keep OUT       # keep the predictions in OUT/<set>/

Sets: `seeds` (../shared/seeds + ../shared/gold, the development set) and `corpus` (../shared/corpus/docs
+ ../shared/corpus/gold, 14 real documents nobody on the project wrote). Every document is parsed with
policyparse, written as NAME.json (`to_gold_dict`) and scored by ../shared/tools/score_extraction.py.
Exit status 2 when ../shared (or a set, or the scorer) is missing or the scorer fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "score_extraction.py"
SETS = {
    "seeds": (SHARED / "seeds", SHARED / "gold"),
    "corpus": (SHARED / "corpus" / "docs", SHARED / "corpus" / "gold"),
}
sys.path.insert(0, str(REPO))

from policyparse import parse_document, to_gold_dict  # noqa: E402


def score(name: str, out: Path, *, verbose: bool) -> int:
    """Parse set `name` into `out`, run the scorer, print its lines (per-miss lines only when verbose)."""
    docs, gold = SETS[name]
    out.mkdir(parents=True, exist_ok=True)
    for g in sorted(gold.glob("*.json")):
        for doc in sorted(docs.glob(f"{g.stem}.*"))[:1]:  # none: the scorer reports NO PREDICTION
            data = to_gold_dict(parse_document(doc.read_bytes(), doc.name), doc.name)
            (out / g.name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    cmd = [sys.executable, str(SCORER), str(gold), str(out)] + (["-v"] if verbose else [])
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0 or "overall:" not in res.stdout:
        print(f"{name}: the scorer failed\n{res.stdout}{res.stderr}", file=sys.stderr)
        return 2
    print(f"== {name} ({docs})")
    print(res.stdout, end="")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", metavar="SET", help=f"{' / '.join(SETS)} (default: both)")
    ap.add_argument("-v", "--verbose", action="store_true", help="pass through the scorer's line per miss")
    ap.add_argument("--keep", type=Path, help="write the predictions to KEEP/<set>/ instead of a temporary folder")
    args = ap.parse_args()
    if unknown := set(args.names) - set(SETS):
        ap.error(f"unknown set(s) {', '.join(sorted(unknown))}; known: {', '.join(SETS)}")
    missing = [p for p in (SCORER, *(d for pair in SETS.values() for d in pair)) if not p.exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    status = 0
    with tempfile.TemporaryDirectory(prefix="duban-eval-") as tmp:
        for name in args.names or list(SETS):
            status = max(status, score(name, (args.keep or Path(tmp)) / name, verbose=args.verbose))
    return status


if __name__ == "__main__":
    sys.exit(main())
