"""Score the parser against hand-made gold: the shared seeds and our blind evaluation sets.

    .venv/bin/python bench/evaluate.py                 # seeds + every bench/eval*/ set, one overall line each
    .venv/bin/python bench/evaluate.py eval2 -v        # one set, with the scorer's per-measure differences
    .venv/bin/python bench/evaluate.py --docs D --gold G [--keep OUT]

A set is a folder `bench/<name>/` with `docs/` (documents as delivered: txt, html, docx …) and
`gold/NAME.json` (the annotation, schema of ../shared/gold/README.md); `seeds` is ../shared/seeds
with ../shared/gold. Every document is parsed with tasks.parsing, written as NAME.json
(`to_gold_dict`) and scored by ../shared/tools/score_extraction.py, whose overall line is printed.
Exit status 2 when a set or the scorer is missing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

from tasks.parsing import parse_document, to_gold_dict  # noqa: E402

SCORER = SHARED / "tools" / "score_extraction.py"
SUFFIXES = (".txt", ".html", ".htm", ".docx")


def sets() -> dict[str, tuple[Path, Path]]:
    """name → (docs, gold) for the seeds and every bench/eval*/ folder."""
    found = {"seeds": (SHARED / "seeds", SHARED / "gold")}
    for folder in sorted(BENCH.glob("eval*/")):
        if (folder / "docs").is_dir() and (folder / "gold").is_dir():
            found[folder.name] = (folder / "docs", folder / "gold")
    return found


def write_predictions(docs: Path, out: Path) -> int:
    """Parse every document in `docs`; write NAME.json into `out`. Returns how many."""
    n = 0
    for path in sorted(docs.iterdir()):
        if path.suffix.lower() not in SUFFIXES:
            continue
        data = to_gold_dict(parse_document(path.read_bytes(), path.name), path.name)
        (out / f"{path.stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        n += 1
    return n


def score(name: str, docs: Path, gold: Path, *, verbose: bool, keep: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix=f"duban-{name}-") as tmp:
        out = keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        n = write_predictions(docs, out)
        cmd = [sys.executable, str(SCORER), str(gold), str(out)] + (["-v"] if verbose else [])
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = res.stdout.splitlines()
    overall = [ln for ln in lines if ln.startswith("overall:")]
    if verbose:
        print("\n".join(ln for ln in lines if not ln.startswith("overall:")))
    if res.returncode == 2 or not overall:
        print(f"{name}: the scorer failed\n{res.stderr}", file=sys.stderr)
        return 2
    print(f"{name} ({n} documents): {overall[0]}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="sets to score (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the scorer's per-measure differences")
    ap.add_argument("--docs", type=Path, help="score this folder of documents …")
    ap.add_argument("--gold", type=Path, help="… against this folder of gold JSON")
    ap.add_argument("--keep", type=Path, help="write the predictions here instead of a temporary folder")
    args = ap.parse_args()
    if not SCORER.exists():
        print(f"scorer not found: {SCORER}", file=sys.stderr)
        return 2
    if args.docs or args.gold:
        if not (args.docs and args.gold):
            ap.error("--docs and --gold go together")
        return score("custom", args.docs, args.gold, verbose=args.verbose, keep=args.keep)
    available = sets()
    chosen = args.names or list(available)
    unknown = [n for n in chosen if n not in available]
    if unknown:
        print(f"unknown set(s): {', '.join(unknown)}; known: {', '.join(available)}", file=sys.stderr)
        return 2
    status = 0
    for name in chosen:
        docs, gold = available[name]
        status = max(status, score(name, docs, gold, verbose=args.verbose, keep=args.keep))
    return status


if __name__ == "__main__":
    sys.exit(main())
