"""Score the parser on the third blind evaluation set (documents in ``bench/eval3/docs``, gold in ``bench/eval3/gold``).

Run from the repository root: ``.venv/bin/python bench/eval3/run.py [-v] [--keep DIR] [--gold DIR --docs DIR]``.
Parses every document, writes ``NAME.json`` (``to_gold_dict``) to a temporary directory and runs
``score_extraction.py`` on it; prints the scorer's per-document lines (all of its output with ``-v``) and
the overall line last. ``--gold /work/shared/gold --docs /work/shared/seeds`` re-measures the seeds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from tasks.parsing import parse_document, to_gold_dict  # noqa: E402

SCORER = REPO.parent / "shared" / "tools" / "score_extraction.py"


def write_predictions(docs: Path, out: Path) -> int:
    n = 0
    for path in sorted(docs.iterdir()):
        if path.suffix.lower() not in (".txt", ".html", ".htm", ".docx"):
            continue
        doc = parse_document(path.read_bytes(), path.name)
        data = to_gold_dict(doc, path.name)
        (out / f"{path.stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-v", "--verbose", action="store_true", help="show the scorer's per-measure differences")
    ap.add_argument("--docs", type=Path, default=HERE / "docs")
    ap.add_argument("--gold", type=Path, default=HERE / "gold")
    ap.add_argument("--keep", type=Path, default=None, help="write the predictions here instead of a temp dir")
    ap.add_argument("--scorer", type=Path, default=SCORER)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="duban-eval3-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        n = write_predictions(args.docs, out)
        cmd = [sys.executable, str(args.scorer), str(args.gold), str(out)] + (["-v"] if args.verbose else [])
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = res.stdout.splitlines()
    overall = [ln for ln in lines if ln.startswith("overall:")]
    for ln in lines if args.verbose else [ln for ln in lines if not ln.startswith("overall:")]:
        if ln not in overall:
            print(ln)
    if res.returncode == 2 or not overall:
        print(res.stderr, file=sys.stderr)
        return 2
    print(f"({n} documents parsed)")
    print(overall[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
