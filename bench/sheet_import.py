"""Spreadsheet import benchmark: a generated 1,000-row 任务分解表.xlsx through the import service.

Run: `.venv/bin/python bench/sheet_import.py [ROWS]` (a scratch SQLite database in a temp dir, migrated
here; DATABASE_URL=postgres://… measures PostgreSQL). Prints the time and the peak Python memory
(tracemalloc) of reading the workbook (bytes → text), parsing it, and policy_import; and the process's
peak resident memory (resource.getrusage, which includes calamine's Rust allocations).
"""

from __future__ import annotations

import io
import resource
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import bench_django  # noqa: E402

_cleanup = bench_django("sheetbench")

import openpyxl
from django.core.management import call_command

from departments.demo import DEMO_DEPARTMENTS, load_demo_city
from policyparse import read_document
from tasks.services.imports import parse_upload, policy_import

_CN = "零一二三四五六七八九十"


def generate_workbook(rows: int = 1000, sections: int = 10) -> bytes:
    """A 任务分解表: title row, 文号 row, header, 一级任务 merged down each section, 3 units a row."""
    names = [aliases[0] if aliases else name for name, _kind, aliases in DEMO_DEPARTMENTS]
    run_id = uuid.uuid4().hex[:8]  # a fresh document each run (the same bytes are imported once only)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append([f"江海市基准测试专项行动方案任务分解表（{run_id}）"])
    ws.merge_cells("A1:F1")
    ws.append([f"江政办发〔2026〕{int(run_id, 16) % 100000}号"])
    ws.merge_cells("A2:F2")
    ws.append(["序号", "一级任务", "重点任务", "牵头单位", "责任单位", "完成时限"])
    per_section = max(1, rows // sections)
    n = 0
    for s in range(1, sections + 1):
        first = ws.max_row + 1
        for _ in range(per_section):
            if n >= rows:
                break
            n += 1
            chosen = [names[(n + k) % len(names)] for k in range(3)]
            ws.append(
                [
                    n,
                    f"{_CN[s] if s <= 10 else s}、第{s}组重点工作" if ws.max_row + 1 == first else None,
                    f"推进第{n}项重点工作，到2026年完成建设项目{n % 50 + 1}个以上",
                    chosen[0],
                    "、".join(chosen[1:]),
                    f"{2025 + n % 2}年{n % 12 + 1}月底前",
                ]
            )
        if ws.max_row > first:
            ws.merge_cells(start_row=first, start_column=2, end_row=ws.max_row, end_column=2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _measure(fn):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    t0 = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return value, elapsed, peak


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    call_command("migrate", verbosity=0)
    load_demo_city()
    data = generate_workbook(rows)
    mb = 1024 * 1024
    (text, _enc, _fmt), read_s, read_peak = _measure(lambda: read_document(data, "bench.xlsx", max_bytes=20 * mb))
    parsed, parse_s, parse_peak = _measure(lambda: parse_upload(data=data, filename="bench.xlsx"))
    result, import_s, import_peak = _measure(lambda: policy_import(data=data, filename="bench.xlsx", parsed=parsed))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"工作簿 {rows} 行，{len(data):,} 字节；文本 {len(text.splitlines())} 行")
    print(f"读取（xlsx → 文本）：{read_s:.3f} s，Python 峰值内存 {read_peak / mb:.1f} MB")
    print(
        f"解析（读取 + 解析）：{parse_s:.3f} s，Python 峰值内存 {parse_peak / mb:.1f} MB，"
        f"措施 {len(parsed.measures)} 条"
    )
    print(
        f"policy_import：{import_s:.3f} s，Python 峰值内存 {import_peak / mb:.1f} MB，"
        f"措施 {result.measure_count} 条，任务 {result.task_count} 条"
    )
    print(f"合计（读取 + 解析 + 导入）：{parse_s + import_s:.3f} s；进程峰值常驻内存 {rss:.0f} MB")


if __name__ == "__main__":
    try:
        main()
    finally:
        _cleanup()
