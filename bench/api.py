"""Benchmark: the API aggregates (progress, task lists, overdue, exports) over generated data.

    .venv/bin/python bench/api.py [--tasks 10000] [--repeat 5]

Uses a THROWAWAY database: with DATABASE_URL (PostgreSQL) it creates `<name>_apibench_<pid>` on that
server and drops it at the end; without it, a temporary SQLite file. Migrates, generates departments,
documents, sections, measures, tasks (lead + responsible) and progress reports with bulk_create, then
requests each endpoint through django.test.Client as a logged-in supervisor and prints, per endpoint,
the median of `--repeat` timed runs, the SQL query count and the response size. On PostgreSQL it also
prints EXPLAIN (ANALYZE) of the department progress query (plan time and execution time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from _db import throwaway_database  # noqa: E402  (bench/ is on sys.path when run as a script)

# --- Data ---


def seed(n_tasks: int, today: dt.date) -> dict[str, int]:
    """Bulk-create a city: 40 departments, 5 documents, ~n_tasks/4 measures with 1 lead + 3 responsible each."""
    from django.utils import timezone

    from accounts.models import DeptRole, User
    from departments.models import Department
    from tasks.models import Measure, PolicyDocument, ProgressReport, Task, TaskRole, TaskStatus
    from tasks.progress import period_key

    n_departments = 40
    departments = Department.objects.bulk_create(
        [Department(name=f"压测部门{i:03d}", key=f"压测部门{i:03d}", order=i) for i in range(n_departments)]
    )
    User.objects.bulk_create(
        [User(username=f"owner{d.id}", department=d, dept_role=DeptRole.STAFF) for d in departments]
        + [User(username="bench-supervisor", is_supervisor=True)]
    )
    owners = {u.department_id: u.id for u in User.objects.filter(dept_role=DeptRole.STAFF)}
    supervisor = User.objects.get(username="bench-supervisor")

    cycles = ["monthly", "quarterly", "semiannual", "", "monthly"]
    documents = PolicyDocument.objects.bulk_create(
        [PolicyDocument(title=f"压测文件{i}", source_sha256=f"{i:064d}", reporting_cycle=c)
         for i, c in enumerate(cycles)]
    )
    n_measures = -(-n_tasks // 4)
    per_doc = -(-n_measures // len(documents))
    sections_per_doc = 10
    sections = Measure.objects.bulk_create(
        [Measure(document=d, kind=Measure.Kind.SECTION, path=[f"{s}"], path_key=f"s{s}", title=f"章节{s}", order=s)
         for d in documents for s in range(sections_per_doc)], batch_size=5000,
    )
    section_of = {(m.document_id, int(m.path_key[1:])): m for m in sections}
    measures = []
    for i in range(n_measures):
        doc = documents[i % len(documents)]
        k = i // len(documents)
        section = section_of[(doc.id, k * sections_per_doc // per_doc)]
        measures.append(Measure(document=doc, parent=section, path=section.path + [str(k)], path_key=f"m{k}",
                                title=f"措施{i}", order=sections_per_doc + k))
    measures = Measure.objects.bulk_create(measures, batch_size=5000)

    statuses = [TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS,
                TaskStatus.SUBMITTED, TaskStatus.RETURNED, TaskStatus.FINISHED, TaskStatus.FINISHED,
                TaskStatus.CANCELLED, TaskStatus.DECLINED]
    now = timezone.now()
    tasks = []
    for i in range(n_tasks):
        measure = measures[i // 4]
        department = departments[(i // 4 * 7 + i % 4) % n_departments]
        status = statuses[(i * 31) % len(statuses)]
        deadline = today + dt.timedelta(days=(i * 7919) % 455 - 90)  # -90 … +364 days
        extended = i % 13 == 0
        tasks.append(Task(
            measure=measure, department=department, role=TaskRole.LEAD if i % 4 == 0 else TaskRole.RESPONSIBLE,
            owner_id=owners[department.id], status=status, percent=(i * 37) % 101,
            deadline=deadline + dt.timedelta(days=30) if extended else deadline, original_deadline=deadline,
            finished_at=now - dt.timedelta(days=i % 60) if status == TaskStatus.FINISHED else None,
        ))
    Task.objects.bulk_create(tasks, batch_size=5000)
    # assigned_at is auto_now_add: spread it afterwards so 序时进度 varies.
    ids = list(Task.objects.order_by("id").values_list("id", flat=True))
    for k, days in enumerate((200, 120, 60, 10)):
        chunk = ids[k::4]
        for j in range(0, len(chunk), 5000):
            Task.objects.filter(id__in=chunk[j:j + 5000]).update(assigned_at=now - dt.timedelta(days=days))

    # Reports: every other task has one this period, every third one an old one.
    doc_cycle = {d.id: d.reporting_cycle for d in documents}
    measure_doc = {m.id: m.document_id for m in measures}
    reports = []
    for t in Task.objects.order_by("id").values("id", "measure_id", "department_id", "percent"):
        cycle = doc_cycle[measure_doc[t["measure_id"]]]
        if t["id"] % 2 == 0:
            reports.append(ProgressReport(task_id=t["id"], author_id=owners[t["department_id"]],
                                          period=period_key(cycle, today), percent=t["percent"], progress="本期进展"))
        if t["id"] % 3 == 0:
            reports.append(ProgressReport(task_id=t["id"], author_id=owners[t["department_id"]],
                                          period=period_key(cycle, today - dt.timedelta(days=200)),
                                          percent=t["percent"], progress="上期进展"))
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    return {"supervisor": supervisor.id, "department": departments[1].id, "document": documents[0].id,
            "reports": len(reports), "measures": len(measures), "departments": n_departments}


# --- Timing ---


def time_get(client, connection, CaptureQueriesContext, url: str, repeat: int) -> tuple[float, int, int, int]:  # noqa: N803
    """(median ms, queries, status, bytes) for GET url."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
    return statistics.median(timings), queries, response.status_code, len(response.content)


def explain_progress(connection, supervisor) -> None:  # type: ignore[no-untyped-def]
    """EXPLAIN the department progress aggregate (ANALYZE on PostgreSQL) the way the selector runs it."""
    from tasks import selectors

    keys = ("department_id", "department__name", "department__kind", "department__order")
    qs = selectors._progress_base(user=supervisor)
    if hasattr(selectors, "_aggregate_rows"):  # the light is a grouping key (evaluated once per task)
        qs = qs.values(*keys, "light")
    else:  # older shape: three Count(filter=Q(light=…))
        qs = qs.values(*keys)
    qs = qs.annotate(**selectors._aggregates()).order_by("department__order", "department__name")
    if connection.vendor == "postgresql":
        plan = qs.explain(analyze=True, buffers=True)
        lines = plan.splitlines()
        print("EXPLAIN (ANALYZE, BUFFERS) progress/departments:")
        for line in lines[:12]:
            print("   ", line)
        if len(lines) > 14:
            print(f"    … ({len(lines) - 14} more lines)")
        for line in lines[-2:]:
            print("   ", line)
        if os.environ.get("BENCH_FULL_PLAN"):
            print(plan)
    else:
        print("EXPLAIN QUERY PLAN progress/departments (SQLite):")
        for line in qs.explain().splitlines():
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    bench_url, cleanup = throwaway_database("apibench")
    os.environ["DATABASE_URL"] = bench_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from accounts.models import User

    setup_test_environment()
    try:
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        today = timezone.localdate()
        t0 = time.perf_counter()
        ids = seed(args.tasks, today)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"seeded {args.tasks} tasks, {ids['measures']} measures, {ids['reports']} reports, "
              f"{ids['departments']} departments in {time.perf_counter() - t0:.1f}s")
        supervisor = User.objects.get(pk=ids["supervisor"])
        client = Client()
        client.force_login(supervisor)
        urls = [
            "/api/v1/progress/departments/",
            f"/api/v1/progress/departments/{ids['department']}/",
            f"/api/v1/progress/documents/{ids['document']}/",
            "/api/v1/tasks/?page_size=200",
            "/api/v1/tasks/?light=red",
            "/api/v1/overdue/",
            "/api/v1/progress/departments/export.xlsx",
            "/api/v1/progress/departments/export.csv",
            f"/api/v1/documents/{ids['document']}/export.xlsx",
        ]
        print(f"{'endpoint':<48} {'median ms':>10} {'queries':>8} {'status':>6} {'bytes':>9}")
        for url in urls:
            ms, queries, code, size = time_get(client, connection, CaptureQueriesContext, url, args.repeat)
            print(f"{url:<48} {ms:>10.1f} {queries:>8} {code:>6} {size:>9}")
        explain_progress(connection, supervisor)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
