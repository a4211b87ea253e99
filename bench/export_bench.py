"""Export benchmark: time and peak Python memory of the 任务分解表 export at growing sizes.

Run: `.venv/bin/python bench/export_bench.py` (a scratch SQLite database in a temp dir, migrated
here), or with DATABASE_URL=postgres://… for PostgreSQL. For each size, a generated document with
`measures` items and 2 departments per item is imported, then exported with tasks/exports.py
(write-only workbook, rows read in chunks) while tracemalloc records the peak. For comparison the
same rows are also written with an ordinary (in-memory) openpyxl workbook. The streamed export's
peak should stay about flat as the task count grows; the in-memory one grows with it.

Where the export's time goes: `读行 s` reads the rows only (document_rows: the queries and the row
building), `写表 s` writes those rows, already read, into a workbook (write_xlsx: openpyxl's cell writing
and our per-cell work); the two add up to about the streamed export's time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import bench_django  # noqa: E402

os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no SQL log kept in memory
_cleanup = bench_django("exportbench")

from django.conf import settings
from django.core.management import call_command
from openpyxl import Workbook

from departments.demo import DEMO_DEPARTMENTS, load_demo_city
from tasks.exports import DOCUMENT_COLUMNS, document_rows, document_xlsx, write_xlsx
from tasks.models import Task
from tasks.services.imports import policy_import


def generate_document(measures: int) -> str:
    """`measures` items in 10 sections, each with one lead and one responsible unit and a target."""
    names = [aliases[0] if aliases else name for name, _kind, aliases in DEMO_DEPARTMENTS]
    run = uuid.uuid4().hex[:8]
    lines = [f"江海市导出基准测试方案（{run}）", f"江政发〔2026〕{int(run, 16) % 100000}号", "", "一、重点任务"]
    per = max(1, measures // 10)
    for n in range(1, measures + 1):
        if (n - 1) % per == 0:
            lines.append(f"（{'一二三四五六七八九十'[min((n - 1) // per, 9)]}）第{(n - 1) // per + 1}组重点工作")
        lead, resp = names[n % len(names)], names[(n + 1) % len(names)]
        lines.append(
            f"{(n - 1) % per + 1}．推进第{n}项重点工作，完善配套政策并开展督查评估。"
            f"到2026年，完成建设项目{n % 50 + 1}个以上。"
            f"（牵头单位：{lead}；责任单位：{resp}）"
        )
    return "\n".join(lines) + "\n"


def _peak(fn) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 1024 / 1024, out


def _in_memory(document_id: int) -> int:
    wb = Workbook()
    ws = wb.active
    for r in document_rows(document_id=document_id):
        ws.append(r.cells())
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        return tmp.tell()


def _split(document_id: int) -> tuple[float, float]:
    """Seconds to read the rows, and to write them (already read) into a workbook."""
    t0 = time.perf_counter()
    rows = [r.cells() for r in document_rows(document_id=document_id)]
    read = time.perf_counter() - t0
    with tempfile.TemporaryFile() as tmp:
        t0 = time.perf_counter()
        write_xlsx(tmp, sheet="任务分解表", columns=DOCUMENT_COLUMNS, rows=rows, title_lines=["标题"])
        return read, time.perf_counter() - t0


def main() -> None:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"数据库：{engine}")
    call_command("migrate", verbosity=0)
    load_demo_city()
    print(f"{'措施':>6} {'任务':>6} | {'流式导出 s':>10} {'读行 s':>7} {'写表 s':>7} {'峰值 MB':>8} {'文件 KB':>8} | "
          f"{'内存工作簿峰值 MB':>8}")
    for measures in (100, 1000, 5000):
        doc = policy_import(data=generate_document(measures).encode(), filename=f"bench{measures}.txt").document
        tasks = Task.objects.filter(measure__document=doc).count()
        t0 = time.perf_counter()
        document_xlsx(doc).close()
        t_plain = time.perf_counter() - t0  # without tracemalloc (which slows Python down)
        t_read, t_write = _split(doc.pk)
        _, mb_stream, f = _peak(lambda doc=doc: document_xlsx(doc))
        size = f.seek(0, 2) / 1024  # type: ignore[attr-defined]
        f.close()  # type: ignore[attr-defined]
        _, mb_mem, _ = _peak(lambda doc=doc: _in_memory(doc.pk))
        print(f"{measures:>6} {tasks:>6} | {t_plain:>10.3f} {t_read:>7.3f} {t_write:>7.3f} {mb_stream:>8.1f} "
              f"{size:>8.0f} | {mb_mem:>8.1f}")
    print(f"列：{', '.join(c.header for c in DOCUMENT_COLUMNS)}")


if __name__ == "__main__":
    try:
        main()
    finally:
        _cleanup()
