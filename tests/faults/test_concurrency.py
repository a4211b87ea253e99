"""Concurrent writers on PostgreSQL, each thread with its own database connection (issue 15 item 3):

- 50 conflicting progress reports on one task with the same expected_version: exactly one wins per version,
  the losers get StaleWriteError and write nothing; when every writer retries with a fresh version, all 50
  land one after the other and the task's final version/percent agree with the audit trail (no lost update);
- the same file imported twice at once: one document, the other import gets the Chinese duplicate error.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections

from common.errors import ConflictError, StaleWriteError
from tasks.models import AuditEvent, Measure, PolicyDocument, ProgressReport, Task, TaskStatus
from tasks.services import imports as import_services
from tasks.services.imports import policy_import
from tasks.services.workflow import task_report_progress
from tests import factories

from .conftest import INTEGRATION, report, size

pytestmark = [*INTEGRATION, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def run_threads(n: int, target) -> list[Any]:
    """Run target(i) in n threads (each opens and closes its own DB connection); returns results or exceptions."""
    results: list[Any] = [None] * n

    def body(i: int) -> None:
        try:
            results[i] = target(i)
        except Exception as exc:  # collected and judged by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a writer thread hung"
    return results


def test_50_conflicting_updates_one_winner_per_version_no_lost_update():
    assert connection.vendor == "postgresql"
    n = size("writers", 50, 50)
    department = factories.DepartmentFactory()
    owner = factories.StaffFactory(department=department)
    task = factories.TaskFactory(status=TaskStatus.IN_PROGRESS, department=department, owner=owner)
    v0 = task.version
    barrier = threading.Barrier(n, timeout=30)

    def same_version(i: int):
        barrier.wait()
        return task_report_progress(
            task_id=task.pk, actor=owner, percent=i + 1, progress=f"第{i}号并发报送", expected_version=v0
        )

    first = run_threads(n, same_version)
    winners = [r for r in first if isinstance(r, ProgressReport)]
    stale = [r for r in first if isinstance(r, StaleWriteError)]
    assert len(winners) == 1, first
    assert len(stale) == n - 1, [r for r in first if not isinstance(r, ProgressReport | StaleWriteError)]
    assert all("任务已被他人修改" in r.message for r in stale)
    task.refresh_from_db()
    assert task.version == v0 + 1
    assert task.percent == winners[0].percent
    assert ProgressReport.objects.filter(task=task).count() == 1  # the losers wrote nothing

    # Round 2: every writer retries with the version it just read, until it wins (bounded).
    attempts = Counter()
    barrier2 = threading.Barrier(n, timeout=30)

    def retry_until_won(i: int):
        barrier2.wait()
        for _ in range(10 * n):
            attempts[i] += 1
            version = Task.objects.values_list("version", flat=True).get(pk=task.pk)
            try:
                return task_report_progress(
                    task_id=task.pk, actor=owner, percent=(i * 7) % 101, progress=f"重试{i}", expected_version=version
                )
            except StaleWriteError:
                continue
        raise AssertionError(f"writer {i} never won")

    second = run_threads(n, retry_until_won)
    assert all(isinstance(r, ProgressReport) for r in second), [r for r in second if not isinstance(r, ProgressReport)]

    task.refresh_from_db()
    events = list(AuditEvent.objects.filter(task=task, action="task.report").order_by("id"))
    assert task.version == v0 + 1 + n
    assert ProgressReport.objects.filter(task=task).count() == 1 + n
    assert len(events) == 1 + n
    # One winner per version: the audit trail holds every version from v0 to the final one exactly once,
    # each event moving the version by one, and the last event's percent is the task's percent.
    assert [e.before["version"] for e in events] == list(range(v0, v0 + 1 + n))
    assert [e.after["version"] for e in events] == list(range(v0 + 1, v0 + 2 + n))
    assert events[-1].after["percent"] == task.percent
    for prev, nxt in zip(events, events[1:], strict=False):
        assert nxt.before["percent"] == prev.after["percent"]  # nobody wrote over an unseen value
    report("conflicts", writers=n, round1_winners=1, round1_stale=len(stale), round2_attempts=sum(attempts.values()))


def test_same_file_imported_twice_at_once_gives_one_document():
    assert connection.vendor == "postgresql"
    data = (ROOT / "samples" / "jianghai-digital-economy-plan.txt").read_bytes()
    barrier = threading.Barrier(2, timeout=30)
    real_parse = import_services.parse_upload

    def parse_then_meet(**kwargs):
        parsed = real_parse(**kwargs)
        barrier.wait()  # both imports have passed the "already imported?" check before either inserts
        return parsed

    with mock.patch.object(import_services, "parse_upload", side_effect=parse_then_meet):
        results = run_threads(2, lambda i: policy_import(data=data, filename="jianghai-digital-economy-plan.txt"))

    created = [r for r in results if not isinstance(r, Exception)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(created) == 1 and created[0].created, results
    assert len(errors) == 1 and isinstance(errors[0], ConflictError), results
    assert errors[0].code == "duplicate_import"
    assert errors[0].message == "同一文件正由他人导入或刚刚导入完成，请刷新后查看。"
    assert PolicyDocument.objects.count() == 1
    document = PolicyDocument.objects.get()
    assert Measure.objects.exclude(document=document).count() == 0  # the loser left no rows behind
    assert Measure.objects.filter(document=document, kind=Measure.Kind.MEASURE).count() == created[0].measure_count
    assert AuditEvent.objects.filter(action="policy_import").count() == 1
    # A third, later import of the same bytes is the existing document, not an error.
    again = policy_import(data=data, filename="jianghai-digital-economy-plan.txt")
    assert again.created is False and again.document.pk == document.pk
