"""Smoke test: bench/api_ratio.py runs end to end at --scale 0.001 on SQLite and writes its result objects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["progress_departments", "task_list_filtered", "overdue_list", "document_export_xlsx",
         "reminder_sweep_first", "reminder_sweep_repeat"]


def test_api_ratio_runs_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench/api_ratio.py"), "--scale", "0.001", "--repeat", "2", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in rows] == NAMES
    for r in rows:
        assert r["tasks"] == 1000
        assert r["api_ms"] > 0 and r["sql_ms"] > 0 and r["ratio"] > 0
        assert r["queries"] >= 1
        assert set(r["machine"]) >= {"cores", "memory_gb", "database"}
        assert r["machine"]["database"].startswith("SQLite")
    # Query counts per request are constant in the dataset size; at this size they are already small.
    assert all(r["queries"] <= 20 for r in rows if not r["name"].startswith("reminder"))
