"""Benchmark: API time against the bare SQL it needs, on the province dataset (bench/province.py).

    .venv/bin/python bench/api_ratio.py [--scale 1.0] [--repeat 20] [--out bench/results/api_ratio.json]
    .venv/bin/python bench/api_ratio.py --existing      # DATABASE_URL is a database `province.py --keep` filled

Uses a THROWAWAY database (bench/_db.py: PostgreSQL when DATABASE_URL is set, else a temporary SQLite file),
migrates it and fills it with `province.generate(scale)`. Then, as a 督查室 user through django.test.Client,
for each endpoint (department progress, a filtered task-list page, the overdue list, one document's xlsx export):

- api_ms: the median of `--repeat` full requests (the export's streamed body is read to the end);
- queries: the SQL queries of one request (CaptureQueriesContext, session and user lookups included);
- sql_ms: the median of `--repeat` replays of that request's SELECT statements, as captured (parameters
  inlined by the driver), on a raw cursor with every row fetched: the bare SQL the request needs;
- ratio = api_ms / sql_ms: what Django, DRF, serialization and the workbook writer add.

The reminder sweep is measured the same way: the first sweep once, then the repeat (idempotent) sweep against
the bare due-row SQL (reminders.services.due_tasks_queryset). `--no-sweep` leaves the sweep out.

Each measurement is printed and appended to `--out` (a JSON list of objects: name, tasks, api_ms, sql_ms,
ratio, queries, machine {cores, memory_gb, database}, plus scale, repeat, date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

GOALS = {"progress_departments": 1.25}  # lists: 2
LIST_GOAL = 2.0


def machine(connection: Any) -> dict[str, Any]:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return {"cores": os.cpu_count(), "memory_gb": round(memory, 1), "database": database,
            "python": platform.python_version(), "cpu": platform.processor() or platform.machine()}


def replay(connection: Any, statements: list[str]) -> float:
    """Seconds to run `statements` on a raw cursor, fetching every row."""
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return time.perf_counter() - t0


def selects(captured: list[dict[str, Any]]) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


def measure_get(client: Any, connection: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.test.utils import CaptureQueriesContext

    def get() -> Any:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}: {body[:300]!r}")
        return body

    with CaptureQueriesContext(connection) as ctx:
        body = get()
    captured = list(ctx.captured_queries)  # now: the next request's request_started resets the log
    statements = selects(captured)
    api, sql = [], []
    for _ in range(repeat):  # interleaved, so drift (cache, autovacuum) hits both alike
        t0 = time.perf_counter()
        get()
        api.append(time.perf_counter() - t0)
        sql.append(replay(connection, statements))
    return {"api_ms": statistics.median(api) * 1000, "sql_ms": statistics.median(sql) * 1000,
            "queries": len(captured), "bytes": len(body)}


def measure_sweep(connection: Any, repeat: int) -> list[tuple[str, dict[str, Any]]]:
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reminders.models import ReminderRule
    from reminders.schedule import add_working_days
    from reminders.services import DIGEST_SOON_WORKING_DAYS, due_tasks_queryset, reminder_sweep

    ReminderRule.objects.filter(document__isnull=True).update(quiet_hours_start=None, quiet_hours_end=None,
                                                              channels=["inapp"])
    today = timezone.localdate()
    horizon = add_working_days(today, max(30, DIGEST_SOON_WORKING_DAYS) + 1)
    sql, params = due_tasks_queryset(today=today, horizon=horizon).query.sql_with_params()

    def bare() -> float:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        return time.perf_counter() - t0

    out = []
    bare_first = bare()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        result = reminder_sweep(today=today)
        first = time.perf_counter() - t0
    first_queries = len(ctx.captured_queries)
    print(f"  first sweep created {result.created} reminder rows")
    out.append(("reminder_sweep_first", {"api_ms": first * 1000, "sql_ms": bare_first * 1000,
                                         "queries": first_queries, "rows": result.created}))
    runs, bares, queries = [], [], 0
    for _ in range(max(1, min(repeat, 5))):  # each repeat sweep reads every due row: a few are enough
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            reminder_sweep(today=today)
            runs.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
        bares.append(bare())
    out.append(("reminder_sweep_repeat", {"api_ms": statistics.median(runs) * 1000,
                                          "sql_ms": statistics.median(bares) * 1000, "queries": queries}))
    return out


def run(args: argparse.Namespace, log: Callable[..., None] = print) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import User
    from departments.models import Department
    from tasks.models import PolicyDocument, Task

    setup_test_environment()
    if args.existing:
        n_tasks = Task.objects.count()
        supervisor = User.objects.get(username="bench-supervisor")
        # The generator's departments only (an import into the same database adds others).
        dept_ids = list(Department.objects.filter(key__startswith="压测单位").order_by("id")
                        .values_list("id", flat=True))
        doc_ids = list(PolicyDocument.objects.order_by("id").values_list("id", flat=True))
    else:
        import province

        info = province.generate(args.scale, timezone.localdate(), log=log)
        n_tasks, dept_ids, doc_ids = info["tasks"], info["department_ids"], info["document_ids"]
        supervisor = User.objects.get(pk=info["supervisor"])
    client = Client()
    client.force_login(supervisor)
    department = dept_ids[len(dept_ids) // 2]
    listed = client.get(f"/api/v1/tasks/?light=red&department={department}").json()
    page = 2 if listed["count"] > len(listed["results"]) else 1  # page 2 unless a tiny dataset has only one
    endpoints = [
        ("progress_departments", "/api/v1/progress/departments/"),
        ("task_list_filtered", f"/api/v1/tasks/?light=red&department={department}&page={page}"),
        ("overdue_list", "/api/v1/overdue/"),
        ("document_export_xlsx", f"/api/v1/documents/{doc_ids[len(doc_ids) // 2]}/export.xlsx"),
    ]
    env = machine(connection)
    stamp = {"tasks": n_tasks, "machine": env, "scale": args.scale, "repeat": args.repeat,
             "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    log(f"database: {env['database']}, {n_tasks} tasks, {env['cores']} cores, {env['memory_gb']} GB")
    log(f"{'name':<24} {'api_ms':>10} {'sql_ms':>10} {'ratio':>7} {'queries':>8}")
    results = []

    def record(name: str, m: dict[str, Any], url: str = "") -> None:
        ratio = m["api_ms"] / m["sql_ms"] if m["sql_ms"] > 0 else None
        row = {"name": name, **stamp, "url": url, **{k: round(v, 2) if isinstance(v, float) else v
                                                    for k, v in m.items()},
               "ratio": None if ratio is None else round(ratio, 2)}
        results.append(row)
        shown = "-" if ratio is None else f"{ratio:.2f}"
        log(f"{name:<24} {m['api_ms']:>10.1f} {m['sql_ms']:>10.1f} {shown:>7} {m['queries']:>8}")

    for name, url in endpoints:
        if args.only and name not in args.only:
            continue
        record(name, measure_get(client, connection, url, args.repeat), url)
    if not args.no_sweep and (not args.only or "reminder_sweep" in args.only):
        for name, m in measure_sweep(connection, args.repeat):
            record(name, m)
    return results


def append_results(path: Path, results: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    path.write_text(json.dumps(old + results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="dataset size, 1.0 = 1,000,000 tasks")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--existing", action="store_true", help="use DATABASE_URL as it is (already generated)")
    parser.add_argument("--no-sweep", action="store_true", help="leave out the reminder sweep")
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME",
                        help="measure only these (progress_departments, task_list_filtered, overdue_list, "
                             "document_export_xlsx, reminder_sweep)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/api_ratio.json")
    args = parser.parse_args()

    if args.existing:
        import django

        django.setup()
        cleanup: Callable[[], None] = lambda: None  # noqa: E731
    else:
        from _db import throwaway_database

        url, cleanup = throwaway_database("apiratio")
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    try:
        results = run(args)
    finally:
        cleanup()
    append_results(args.out, results)
    print(f"appended {len(results)} results to {args.out}")


if __name__ == "__main__":
    main()
