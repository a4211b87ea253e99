"""Generator: a province-size dataset (800 departments, 2,000 documents, 1,000,000 tasks, 3,000,000 reports).

    .venv/bin/python bench/province.py [--scale 1.0] [--keep]

Uses a THROWAWAY database (bench/_db.py): with DATABASE_URL (PostgreSQL) it creates `<name>_province_<pid>`
on that server, migrates it and fills it with PostgreSQL COPY (psycopg `cursor.copy`); without DATABASE_URL,
a temporary SQLite file filled with bulk_create in batches. `--scale 0.01` makes everything 100 times smaller.
`--keep` leaves the database in place and prints its URL (for `bench/api_ratio.py --existing`).

bench/api_ratio.py imports `generate()` and runs it in its own throwaway database.

Shape (scale 1): 800 departments with one 承办人 each and one 督查室 user; 2,000 documents (reporting cycles
monthly/quarterly/semiannual/none), 10 sections each, 4 tasks per measure (1 牵头 + 3 责任, distinct departments),
so 250,000 measures; statuses, percents, deadlines (-90 … +364 days, every 13th extended by 30 days) and 交办
dates spread deterministically; 3 progress reports per task (this period, ~100 and ~200 days ago).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

FULL = {"departments": 800, "documents": 2000, "tasks": 1_000_000, "reports": 3_000_000}
TASKS_PER_MEASURE = 4
SECTIONS_PER_DOC = 10
BATCH = 5000


def sizes(scale: float) -> dict[str, int]:
    """The counts at `scale` (at least 4 departments: a measure has 4 tasks in distinct departments)."""
    return {
        "departments": max(TASKS_PER_MEASURE, round(FULL["departments"] * scale)),
        "documents": max(1, round(FULL["documents"] * scale)),
        "tasks": max(TASKS_PER_MEASURE, round(FULL["tasks"] * scale)),
        "reports": round(FULL["reports"] * scale),
    }


def insert_rows(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (tuples in `columns` order, attnames) into `model`'s table; every other non-pk column gets
    its model default (auto_now/auto_now_add: now). PostgreSQL: one COPY; otherwise bulk_create in batches.
    Rows keep their order, so ids ascend in row order."""
    from django.db import connection
    from django.db.models import JSONField
    from django.utils import timezone

    fields = {f.attname: f for f in model._meta.concrete_fields}
    n = 0
    if connection.vendor != "postgresql":
        batch: list[Any] = []
        for row in rows:
            batch.append(model(**dict(zip(columns, row, strict=True))))
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                n += len(batch)
                batch = []
        model.objects.bulk_create(batch)
        return n + len(batch)

    now = timezone.now()
    extra_names, extra_values = [], []
    for name, f in fields.items():
        if f.primary_key or name in columns:
            continue
        value = now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        extra_names.append(f.column)
        extra_values.append(f.get_db_prep_save(value, connection))
    json_at = [i for i, c in enumerate(columns) if isinstance(fields[c], JSONField)]
    names = [fields[c].column for c in columns] + extra_names
    extra = tuple(extra_values)
    sql = f'COPY "{model._meta.db_table}" ({", ".join(chr(34) + c + chr(34) for c in names)}) FROM STDIN'
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:  # the psycopg cursor under Django's wrapper
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = fields[columns[i]].get_db_prep_save(row[i], connection)
                copy.write_row((*row, *extra))
                n += 1
    return n


def generate(scale: float, today: dt.date, log: Any = print) -> dict[str, Any]:
    """Fill the (migrated, empty) database; returns counts and a few ids the benchmarks need."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import DeptRole, User
    from departments.models import Department
    from tasks.models import Measure, PolicyDocument, ProgressReport, Task, TaskRole, TaskStatus
    from tasks.progress import period_key

    n = sizes(scale)
    now = timezone.now()
    started = t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, count: int) -> None:
        nonlocal t0
        timings[name] = round(time.perf_counter() - t0, 2)
        log(f"  {name}: {count} rows in {timings[name]:.1f}s")
        t0 = time.perf_counter()

    kinds = ["city", "city", "city", "party", "county", "park"]
    departments = Department.objects.bulk_create(
        [Department(name=f"压测单位{i:04d}", key=f"压测单位{i:04d}", order=i, kind=kinds[i % len(kinds)])
         for i in range(n["departments"])], batch_size=BATCH,
    )
    dept_ids = [d.id for d in departments]
    users = User.objects.bulk_create(
        [User(username=f"owner{d}", department_id=d, dept_role=DeptRole.STAFF) for d in dept_ids]
        + [User(username="bench-supervisor", is_supervisor=True)], batch_size=BATCH,
    )
    owner_ids = [u.id for u in users[:-1]]
    supervisor_id = users[-1].id
    lap("departments+users", len(dept_ids) + len(users))

    cycles = ["monthly", "quarterly", "semiannual", "", "monthly"]
    documents = PolicyDocument.objects.bulk_create(
        [PolicyDocument(title=f"压测文件{i:04d}", source_sha256=f"{i:064d}", reporting_cycle=cycles[i % len(cycles)])
         for i in range(n["documents"])], batch_size=BATCH,
    )
    doc_ids = [d.id for d in documents]
    doc_cycle = [cycles[i % len(cycles)] for i in range(len(doc_ids))]
    lap("documents", len(doc_ids))

    insert_rows(Measure, ("document_id", "kind", "path", "path_key", "label", "title", "order"), (
        (doc_ids[d], Measure.Kind.SECTION, [str(s + 1)], f"s{s}", f"{s + 1}", f"第{s + 1}部分", s)
        for d in range(len(doc_ids)) for s in range(SECTIONS_PER_DOC)
    ))
    section_ids = list(Measure.objects.filter(kind=Measure.Kind.SECTION).order_by("id").values_list("id", flat=True))
    n_measures = -(-n["tasks"] // TASKS_PER_MEASURE)
    per_doc = -(-n_measures // len(doc_ids))
    measure_doc = [i % len(doc_ids) for i in range(n_measures)]

    def measure_rows() -> Iterable[tuple[Any, ...]]:
        for i, d in enumerate(measure_doc):
            k = i // len(doc_ids)
            s = min(SECTIONS_PER_DOC - 1, k * SECTIONS_PER_DOC // per_doc)
            yield (doc_ids[d], section_ids[d * SECTIONS_PER_DOC + s], Measure.Kind.MEASURE, [str(s + 1), str(k + 1)],
                   f"m{k}", f"（{k + 1}）", f"措施{i}：推进重点工作第{k + 1}项", SECTIONS_PER_DOC + k)

    insert_rows(Measure, ("document_id", "parent_id", "kind", "path", "path_key", "label", "title", "order"),
                measure_rows())
    measure_ids = list(Measure.objects.filter(kind=Measure.Kind.MEASURE).order_by("id").values_list("id", flat=True))
    lap("sections+measures", len(section_ids) + len(measure_ids))

    statuses = [TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS,
                TaskStatus.SUBMITTED, TaskStatus.RETURNED, TaskStatus.FINISHED, TaskStatus.FINISHED,
                TaskStatus.CANCELLED, TaskStatus.DECLINED]
    assigned_days = (200, 120, 60, 10)
    n_dept = len(dept_ids)

    def task_dept(i: int) -> int:
        return ((i // TASKS_PER_MEASURE) * 7 + i % TASKS_PER_MEASURE) % n_dept

    def task_rows() -> Iterable[tuple[Any, ...]]:
        for i in range(n["tasks"]):
            d = task_dept(i)
            status = statuses[(i * 31) % len(statuses)]
            deadline = today + dt.timedelta(days=(i * 7919) % 455 - 90)
            yield (measure_ids[i // TASKS_PER_MEASURE], dept_ids[d],
                   TaskRole.LEAD if i % TASKS_PER_MEASURE == 0 else TaskRole.RESPONSIBLE, owner_ids[d], status,
                   (i * 37) % 101, deadline + dt.timedelta(days=30) if i % 13 == 0 else deadline, deadline,
                   now - dt.timedelta(days=assigned_days[i % 4]),
                   now - dt.timedelta(days=i % 60) if status == TaskStatus.FINISHED else None)

    insert_rows(Task, ("measure_id", "department_id", "role", "owner_id", "status", "percent", "deadline",
                       "original_deadline", "assigned_at", "finished_at"), task_rows())
    task_ids = list(Task.objects.order_by("id").values_list("id", flat=True))
    lap("tasks", len(task_ids))

    periods = {c: [period_key(c, today - dt.timedelta(days=back)) for back in (0, 100, 200)] for c in set(cycles)}
    per_task = n["reports"] / max(1, len(task_ids))

    def report_rows() -> Iterable[tuple[Any, ...]]:
        made = 0
        for i, task_id in enumerate(task_ids):
            want = round((i + 1) * per_task) - made  # spreads n["reports"] evenly (3 per task at full size)
            cycle = doc_cycle[measure_doc[i // TASKS_PER_MEASURE]]
            for j in range(want):
                back = min(j, 2)
                yield (task_id, owner_ids[task_dept(i)], periods[cycle][back], max(0, (i * 37) % 101 - 10 * back),
                       "本期进展：按计划推进。", now - dt.timedelta(days=100 * back + i % 7, minutes=j))
            made += want

    count = insert_rows(ProgressReport, ("task_id", "author_id", "period", "percent", "progress", "created_at"),
                        report_rows())
    lap("reports", count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        lap("analyze", 0)
    total = round(time.perf_counter() - started, 1)
    log(f"generated {len(task_ids)} tasks, {count} reports, {len(measure_ids)} measures, {len(doc_ids)} documents, "
        f"{n_dept} departments in {total:.1f}s")
    return {"tasks": len(task_ids), "reports": count, "measures": len(measure_ids), "documents": len(doc_ids),
            "departments": n_dept, "supervisor": supervisor_id, "department_ids": dept_ids, "document_ids": doc_ids,
            "seconds": total, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 tasks; 0.01 = 10,000")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    args = parser.parse_args()

    from _db import bench_django

    cleanup = bench_django("province")
    url = os.environ["DATABASE_URL"]
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    try:
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), scale {args.scale}: "
              f"{sizes(args.scale)}")
        generate(args.scale, timezone.localdate())
    except BaseException:
        cleanup()
        raise
    if args.keep:
        print(f"kept: DATABASE_URL={url}")
    else:
        cleanup()


if __name__ == "__main__":
    main()
