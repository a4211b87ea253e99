"""Benchmark: the reminder sweep over 100,000 tasks, and delivery throughput with 2 Celery worker processes.

    .venv/bin/python bench/reminders.py [--tasks 100000] [--deliver 4000]

Uses a THROWAWAY database: with DATABASE_URL (PostgreSQL) it creates `<name>_bench_<pid>` on that server
and drops it at the end; without it, a temporary SQLite file. The delivery part needs REDIS_URL (a real
broker and a real `celery worker -c 2`); without it, that part is skipped with a message.
Prints: sweep time, SQL query count, rows created, the bare due-row SQL time, a second (idempotent) sweep,
in-process delivery rate, and worker delivery throughput to a local HTTP sink.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from _db import bench_django  # noqa: E402  (bench/ is on sys.path when run as a script)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=4000, help="rows delivered in the throughput part")
    args = parser.parse_args()

    cleanup = bench_django("bench")
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        run(args, connection, CaptureQueriesContext)
    finally:
        cleanup()


def seed(n_tasks: int, today: dt.date) -> None:
    from accounts.models import DeptRole, User
    from departments.models import Department
    from tasks.models import Measure, PolicyDocument, Task

    n_departments = 50
    n_measures = -(-n_tasks // n_departments)
    departments = Department.objects.bulk_create(
        [Department(name=f"压测部门{i:03d}", key=f"压测部门{i:03d}") for i in range(n_departments)]
    )
    users = []
    for d in departments:
        users += [
            User(username=f"owner{d.id}", department=d, dept_role=DeptRole.STAFF),
            User(username=f"liaison{d.id}", department=d, dept_role=DeptRole.LIAISON),
            User(username=f"leader{d.id}", department=d, dept_role=DeptRole.LEADER),
        ]
    users += [User(username=f"sup{i}", is_supervisor=True) for i in range(3)]
    User.objects.bulk_create(users)
    owners = {u.department_id: u.id for u in User.objects.filter(dept_role=DeptRole.STAFF)}
    document = PolicyDocument.objects.create(title="压测文件", source_sha256="0" * 64, reporting_cycle="monthly")
    measures = Measure.objects.bulk_create(
        [Measure(document=document, path=[str(i)], path_key=str(i), title=f"措施{i}", order=i)
         for i in range(n_measures)], batch_size=5000,
    )
    tasks = []
    for i in range(n_tasks):
        measure = measures[i // n_departments]
        department = departments[i % n_departments]
        deadline = today + dt.timedelta(days=(i * 7919) % 420 - 60)  # spread over -60 … +360 days
        tasks.append(Task(measure=measure, department=department, role="responsible",
                          owner_id=owners[department.id], deadline=deadline, original_deadline=deadline))
    Task.objects.bulk_create(tasks, batch_size=5000)


def run(args, connection, CaptureQueriesContext) -> None:  # noqa: N803
    from django.utils import timezone

    from reminders.models import ChannelConfig, ReminderLog, ReminderRule
    from reminders.schedule import add_working_days
    from reminders.services import (
        DIGEST_SOON_WORKING_DAYS,
        due_tasks_queryset,
        reminder_deliver_pending,
        reminder_sweep,
    )

    today = timezone.localdate()
    t0 = time.perf_counter()
    seed(args.tasks, today)
    print(f"seeded {args.tasks} tasks in {time.perf_counter() - t0:.1f}s")
    ReminderRule.objects.filter(document__isnull=True).update(
        quiet_hours_start=None, quiet_hours_end=None, channels=["inapp"]
    )

    # 1. The bare SQL that selects the due rows.
    horizon = add_working_days(today, max(30, DIGEST_SOON_WORKING_DAYS) + 1)
    sql, params = due_tasks_queryset(today=today, horizon=horizon).query.sql_with_params()
    timings = []
    for _ in range(3):
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            due = len(cursor.fetchall())
            timings.append(time.perf_counter() - t0)
    print(f"bare due-row SQL: {due} rows in {min(timings) * 1000:.0f} ms (best of 3)")

    # 2. The sweep, cold and again (idempotent).
    for label in ("first sweep", "second sweep (idempotent)"):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = reminder_sweep(today=today)
            elapsed = time.perf_counter() - t0
        print(f"{label}: {elapsed:.2f}s, {len(ctx.captured_queries)} SQL queries, planned={result.planned} "
              f"created={result.created}")

    # 3. In-process delivery (one process, in-app channel).
    t0 = time.perf_counter()
    stats = reminder_deliver_pending(limit=1000)
    elapsed = time.perf_counter() - t0
    print(f"in-process delivery (in-app, 1 process): {stats.sent} in {elapsed:.2f}s = {stats.sent / elapsed:.0f}/s")

    # 4. Worker throughput to a local HTTP sink.
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print("worker throughput: SKIPPED — REDIS_URL is not set (needs a real Redis broker and celery workers)")
        return
    from tests.reminders.sink import Sink

    ReminderLog.objects.all().delete()
    with Sink() as sink:
        ChannelConfig.objects.create(name="sink", kind="webhook", url=sink.url, secret="bench")
        ReminderRule.objects.filter(document__isnull=True).update(channels=["webhook"], digest_enabled=False)
        reminder_sweep(today=today)
        keep = list(ReminderLog.objects.order_by("id").values_list("id", flat=True)[: args.deliver])
        ReminderLog.objects.exclude(id__in=keep).update(status="skipped")
        total = len(keep)
        env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": redis_url,
               "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        worker = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "config.celery_app", "worker", "-c", "2", "-P", "prefork",
             "-l", "WARNING", "-n", f"bench-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(3)  # worker boot
            from django.conf import settings

            from config.celery_app import app
            from reminders.jobs import reminders_deliver_pending_job

            settings.REDIS_URL = redis_url
            app.conf.broker_url = redis_url
            t0 = time.perf_counter()
            for _ in range(2):
                reminders_deliver_pending_job.delay()
            deadline = time.monotonic() + 300
            while ReminderLog.objects.filter(status="pending").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            elapsed = time.perf_counter() - t0
            sent = ReminderLog.objects.filter(status="sent").count()
            ids = sink.delivery_ids()
            print(f"worker throughput (2 processes, generic webhook → local HTTP sink): {sent}/{total} in "
                  f"{elapsed:.2f}s = {sent / elapsed:.0f}/s; sink got {len(ids)} requests, "
                  f"{len(ids) - len(set(ids))} duplicates")
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
