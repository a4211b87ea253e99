"""Import benchmark: a generated 1,000-measure document, 10 departments each → 10,000 tasks.

Run: `.venv/bin/python bench/import_bench.py` (a scratch SQLite database in a temp dir, migrated
here), or with DATABASE_URL=postgres://… to measure PostgreSQL. Prints the time of parse and
policy_import and the number of SQL queries. Goal: the import under 3 s.

`--existing` imports into DATABASE_URL as it is instead (e.g. the 1M-task province database that
`bench/province.py --keep` left; the demo departments are added to it) — import throughput at scale —
and appends one object to bench/results/import.json (name, tasks already in the database, import ms,
tasks per second, queries, machine).
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import bench_django  # noqa: E402

EXISTING = "--existing" in sys.argv
if EXISTING:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    _cleanup = lambda: None  # noqa: E731  (a database we were given: nothing to remove)
else:
    _cleanup = bench_django("importbench")

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.demo import DEMO_DEPARTMENTS, load_demo_city
from tasks.models import Task
from tasks.services.imports import parse_upload, policy_import

_CN = "零一二三四五六七八九十"


def _cn(n: int) -> str:
    """1..99 as Chinese numerals (十一, 二十三)."""
    if n <= 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def generate_document(measures: int = 1000, per_measure: int = 10, sections: int = 10) -> str:
    """A policy text with `measures` items, each naming `per_measure` departments (1 lead)."""
    # Printed names as documents print them: a mix of canonical names and aliases.
    names = [aliases[0] if aliases else name for name, _kind, aliases in DEMO_DEPARTMENTS]
    run_id = uuid.uuid4().hex[:8]  # a fresh document each run (the same bytes are imported once only)
    lines = [
        f"江海市基准测试专项行动方案（{run_id}）",
        f"江政发〔2026〕{int(run_id, 16) % 100000}号",  # a new 文号 too: not a version of an earlier run
        "",
        "一、总体要求",
        "到2027年，各项工作取得明显成效。",
        "二、重点任务",
    ]
    per_section = max(1, measures // sections)
    n = 0
    for s in range(1, sections + 1):
        lines.append(f"（{_cn(s)}）第{_cn(s)}组重点工作")
        for _ in range(per_section):
            if n >= measures:
                break
            n += 1
            chosen = [names[(n + k) % len(names)] for k in range(per_measure)]
            lead, resp = chosen[0], "、".join(chosen[1:])
            lines.append(
                f"{n - (s - 1) * per_section}．推进第{n}项重点工作。到2026年，完成建设项目{n % 50 + 1}个以上。"
                f"（牵头单位：{lead}；责任单位：{resp}）"
            )
    lines += ["三、保障措施", "（一）加强组织领导。建立工作推进机制。（牵头单位：市发改委）"]
    return "\n".join(lines) + "\n"


def bench_import(measures: int = 1000, per_measure: int = 10) -> dict[str, float | int]:
    """Time parse and policy_import of a generated document; count SQL queries."""
    if not EXISTING:
        call_command("migrate", verbosity=0)
    load_demo_city()
    before = Task.objects.count()
    data = generate_document(measures, per_measure).encode("utf-8")
    t0 = time.perf_counter()
    parsed = parse_upload(data=data, filename="bench.txt")
    t1 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        result = policy_import(data=data, filename="bench.txt", parsed=parsed)
    t2 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx_again:
        again = policy_import(data=data, filename="bench.txt")
    t3 = time.perf_counter()
    assert again.created is False
    return {
        "tasks_before": before,
        "bytes": len(data),
        "parsed_measures": len(parsed.measures),
        "measures": result.measure_count,
        "tasks": result.task_count,
        "tasks_in_db": Task.objects.filter(measure__document=result.document).count(),
        "unresolved_names": len(result.unresolved_names),
        "parse_s": round(t1 - t0, 3),
        "import_s": round(t2 - t1, 3),
        "import_queries": len(ctx.captured_queries),
        "reimport_s": round(t3 - t2, 3),
        "reimport_queries": len(ctx_again.captured_queries),
    }


def main() -> None:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"数据库：{engine}（{settings.DATABASES['default']['NAME']}）")
    r = bench_import()
    print(f"文件 {r['bytes']:,} 字节，解析出措施 {r['parsed_measures']} 条，用时 {r['parse_s']} s")
    print(
        f"policy_import：措施 {r['measures']} 条，任务 {r['tasks']} 条（库中 {r['tasks_in_db']}），"
        f"待识别名称 {r['unresolved_names']} 个，用时 {r['import_s']} s，SQL {r['import_queries']} 条"
    )
    print(f"重复导入同一文件：用时 {r['reimport_s']} s，SQL {r['reimport_queries']} 条（不创建任何数据）")
    goal = "达标" if r["import_s"] < 3 else "未达标"
    rate = r["tasks"] / r["import_s"]
    print(f"目标 < 3 s：{goal}；吞吐 {rate:,.0f} 任务/秒（库中原有任务 {r['tasks_before']:,} 条）")
    if EXISTING:
        record(r)


def record(r: dict[str, float | int]) -> None:
    """Append this run to bench/results/import.json (the issue-15 result format, written as api_ratio writes it)."""
    import datetime as dt

    from api_ratio import append_results, machine

    out = ROOT / "bench/results/import.json"
    append_results(out, [{
        "name": f"import_{r['parsed_measures']}_measures", "tasks": r["tasks_before"], "tasks_created": r["tasks"],
        "api_ms": round(float(r["import_s"]) * 1000, 1), "sql_ms": None, "ratio": None,
        "queries": r["import_queries"], "tasks_per_s": round(float(r["tasks"]) / float(r["import_s"])),
        "parse_ms": round(float(r["parse_s"]) * 1000, 1), "reimport_ms": round(float(r["reimport_s"]) * 1000, 1),
        "machine": machine(connection), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }])
    print(f"appended to {out}")


if __name__ == "__main__":
    try:
        main()
    finally:
        _cleanup()
