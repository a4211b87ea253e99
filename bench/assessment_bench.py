"""Benchmark: computing a month's 考核 scores for N departments × M tasks.

    .venv/bin/python bench/assessment_bench.py [--departments 50] [--tasks 10000]
    # the issue's size, on PostgreSQL (creates and drops <name>_assess_<pid> on that server):
    DATABASE_URL=postgres://duban:duban@127.0.0.1:5432/duban .venv/bin/python bench/assessment_bench.py \
        --departments 800 --tasks 1000000

Uses a THROWAWAY database (bench/_db.py). The history: per task one of finished on time / finished late
in the month / overdue and open / open and not yet due, with a 催办 on every 50th task and a 退回重办 on
every 100th. Prints the build time, the compute time, rows written, and the time of an idempotent recompute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _db import bench_django  # noqa: E402


def build(n_depts: int, n_tasks: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from departments.models import Department, DepartmentKind
    from tasks.models import AuditEvent, Measure, PolicyDocument, ReportingCycle, Task, TaskRole, TaskStatus, Urge

    kinds = [DepartmentKind.CITY] * 6 + [DepartmentKind.COUNTY] * 3 + [DepartmentKind.PARK]
    tz = timezone.get_default_timezone()

    def at(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10)), tz)

    with transaction.atomic():
        Department.objects.bulk_create(
            [Department(name=f"基准部门{k:04d}", key=f"bench{k}", kind=kinds[k % len(kinds)]) for k in range(n_depts)]
        )
        dept_ids = list(Department.objects.order_by("pk").values_list("pk", flat=True))
        actor = User.objects.create(username="bench", is_supervisor=True)
        doc = PolicyDocument.objects.create(
            title="基准文件", source_sha256="b" * 64, reporting_cycle=ReportingCycle.NONE
        )
    per_measure = min(4, n_depts)
    n_measures = (n_tasks + per_measure - 1) // per_measure
    chunk = 20_000
    made = 0
    for first in range(0, n_measures, chunk):
        with transaction.atomic():
            measures = Measure.objects.bulk_create(
                [
                    Measure(document=doc, path=["一", str(k)], path_key=f"一/{k}", title=f"基准措施{k}", order=k)
                    for k in range(first, min(first + chunk, n_measures))
                ]
            )
            tasks = []
            for m in measures:
                for j in range(per_measure):
                    if made >= n_tasks:
                        break
                    k = made
                    made += 1
                    dept = dept_ids[(m.order * per_measure + j) % len(dept_ids)]
                    kind = k % 4
                    deadline = dt.date(2026, 5, 1) + dt.timedelta(days=k % 28)
                    t = Task(
                        measure=m,
                        department_id=dept,
                        role=TaskRole.LEAD if j == 0 else TaskRole.RESPONSIBLE,
                        deadline=deadline,
                        original_deadline=deadline,
                        status=TaskStatus.IN_PROGRESS,
                    )
                    if kind == 0:
                        t.status, t.percent, t.finished_at = (
                            TaskStatus.FINISHED,
                            100,
                            at(deadline - dt.timedelta(days=1)),
                        )
                    elif kind == 1:
                        t.status, t.percent, t.finished_at = (
                            TaskStatus.FINISHED,
                            100,
                            at(min(deadline + dt.timedelta(days=3), dt.date(2026, 5, 31))),
                        )
                    elif kind == 3:
                        t.deadline = t.original_deadline = dt.date(2026, 12, 31)
                    tasks.append(t)
            Task.objects.bulk_create(tasks, batch_size=5000)
            Task.objects.filter(pk__in=[t.pk for t in tasks]).update(assigned_at=at(dt.date(2026, 4, 1)))
            Urge.objects.bulk_create([Urge(task=t, actor=actor, message="催办") for t in tasks[::50]], batch_size=5000)
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(action="task.return", object_type="task", object_id=str(t.pk), task=t)
                    for t in tasks[::100]
                ],
                batch_size=5000,
            )
    stamp = at(dt.date(2026, 5, 15))
    Urge.objects.update(created_at=stamp)
    AuditEvent.objects.filter(action="task.return").update(at=stamp)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    cleanup = bench_django("assess")
    try:
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}; {args.departments} departments × {args.tasks} tasks")
        started = time.perf_counter()
        build(args.departments, args.tasks)
        print(f"build: {time.perf_counter() - started:.1f} s")

        from assessment.scoring import compute_period

        for label in ("compute", "recompute"):
            started = time.perf_counter()
            result = compute_period(key="2026-05", today=dt.date(2026, 6, 10))
            print(
                f"{label} 2026-05: {time.perf_counter() - started:.2f} s — {result.departments} departments, "
                f"{result.items} items"
            )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
