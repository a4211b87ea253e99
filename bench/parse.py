"""Parser speed: median milliseconds per seed and real-corpus document (goal: < 50 ms for a 30 KB document).

Wall-clock and CPU medians are both printed; on a busy machine the CPU figure is the stable one.

Run from the repository root: ``.venv/bin/python bench/parse.py [--runs N] [FILES...]``.
Files default to ``../shared/seeds/*.txt`` and ``../shared/corpus/docs/*.txt`` next to the repository.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from policyparse import parse_document  # noqa: E402
from policyparse.text import _fold_cached  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    shared = (REPO / ".." / "shared").resolve()
    files = args.files or sorted(shared.glob("seeds/*.txt")) + sorted(shared.glob("corpus/docs/*.txt"))
    if not files:
        print("no input files", file=sys.stderr)
        return 2
    parse_document(files[0].read_bytes(), files[0].name)  # warm up imports and caches
    worst = 0.0
    for path in files:
        data = path.read_bytes()
        wall, cpu = [], []
        for _ in range(args.runs):
            _fold_cached.cache_clear()  # measure a cold document, not a cache hit
            t0, c0 = time.perf_counter(), time.process_time()
            doc = parse_document(data, path.name)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        med = statistics.median(wall)
        worst = max(worst, med)
        print(
            f"{path.name:40s} {len(data) / 1024:6.1f} KB  {med:7.2f} ms wall  {statistics.median(cpu):7.2f} ms cpu"
            f"  ({len(doc.measures)} measures)"
        )
    print(f"worst median (wall): {worst:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
