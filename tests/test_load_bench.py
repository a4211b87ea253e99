"""bench/load.py at a small size: gunicorn (2 workers) on loopback against a throwaway PostgreSQL database,
a few seconds of requests, 0 errors, results written, and nothing left running. The 60 s run at 10,000 tasks
is `DATABASE_URL=… .venv/bin/python bench/load.py` (docs/deploy.md, "Load test")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL pointing at PostgreSQL (run scripts/test)",
    ),
]


def test_load_generator_small(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--seconds", "3", "--tasks", "300", "--threads", "2", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = {row["name"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    assert set(rows) == {"load:progress", "load:tasks"}
    for row in rows.values():
        assert row["requests"] > 0 and row["errors"] == 0 and row["statuses"] == [200]
        assert row["p50_ms"] <= row["p99_ms"] and row["rps"] > 0 and row["workers"] == 2
    assert "gunicorn -w 2 on 127.0.0.1:" in done.stdout
    port = done.stdout.split("127.0.0.1:", 1)[1].split(";", 1)[0]
    # gunicorn was stopped: nothing listens on its port any more
    probe = subprocess.run(["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"], capture_output=True, timeout=10)
    assert probe.returncode != 0
