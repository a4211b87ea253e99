"""Batched delivery: after an import each person gets ONE message listing their new tasks, not one per task."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from reminders.models import ChannelConfig, Notification, ReminderKind, ReminderLog
from reminders.services import BATCH_LINES, reminder_deliver_pending, reminder_sweep
from tasks.models import Task, TaskStatus
from tests import factories

from .conftest import WORKING, at, run_day
from .sink import Sink

pytestmark = pytest.mark.django_db
D = dt.date


def import_like(world, n, **kwargs):
    """n 已交办 tasks for one department, as a policy import leaves them (no owner yet)."""
    document = factories.PolicyDocumentFactory()
    return [
        factories.TaskFactory(
            measure__document=document, department=world.department, deadline=D(2027, 6, 30), **kwargs
        )
        for _ in range(n)
    ]


def test_thirty_new_tasks_give_the_liaison_one_notice_listing_all_of_them(world):
    tasks = import_like(world, 30)
    new, stats = run_day(D(2026, 11, 2))
    rows = [r for r in new if r.kind == ReminderKind.ASSIGNED and r.recipient_id == world.liaison.id]
    assert len(rows) == 30 and stats.sent == len(new)  # one log row per task (each task's state is tracked)
    notes = Notification.objects.filter(user=world.liaison, kind=ReminderKind.ASSIGNED)
    assert notes.count() == 1
    note = notes.get()
    assert note.title == "【新任务交办】您有 30 项新任务" and note.task_id is None
    listed = [line for line in note.body.splitlines() if line[:1].isdigit()]
    assert len(listed) == BATCH_LINES and listed[0].startswith("1. " + tasks[0].measure.title)
    assert note.body.endswith("……等 30 项")
    assert set(ReminderLog.objects.filter(id__in=[r.id for r in rows]).values_list("status", flat=True)) == {"sent"}
    again, stats2 = run_day(D(2026, 11, 2), hour=15)
    assert again == [] and stats2.sent == 0
    assert Notification.objects.filter(user=world.liaison).count() == 1


def test_a_single_due_row_links_to_its_task(world):
    task = import_like(world, 1)[0]
    run_day(D(2026, 11, 2))
    note = Notification.objects.get(user=world.liaison, kind=ReminderKind.ASSIGNED)
    assert note.task_id == task.pk and note.title.startswith("【新任务交办】" + task.measure.title)


def test_stale_rows_are_dropped_from_the_batch_with_their_reason(world):
    tasks = import_like(world, 3)
    with time_machine.travel(at(D(2026, 11, 2), 23), tick=False):
        reminder_sweep()  # quiet hours: the rows wait
    Task.objects.filter(pk=tasks[0].pk).update(status=TaskStatus.ACCEPTED)  # signed for meanwhile
    with time_machine.travel(at(D(2026, 11, 3), 9), tick=False):
        stats = reminder_deliver_pending()
    assert (stats.sent, stats.skipped) == (2, 1)
    note = Notification.objects.get(user=world.liaison)
    assert "您有 2 项新任务" in note.title and tasks[0].measure.title not in note.body
    skipped = ReminderLog.objects.get(task=tasks[0], recipient=world.liaison)
    assert (skipped.status, skipped.last_error) == ("skipped", "任务已签收或已退回")


def test_escalations_and_webhooks_are_batched_too(world):
    with Sink() as sink:
        hook = ChannelConfig.objects.create(name="群", kind="webhook", url=sink.url, department=world.department)
        for _ in range(4):
            factories.TaskFactory(
                status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 11, 2)
            )
        run_day(D(2026, 11, 11))  # 7th working day overdue: leader and supervisor escalations
        bodies = [json.loads(r["body"]) for r in sink.requests]
    assert Notification.objects.filter(user=world.supervisor, kind=ReminderKind.ESCALATE_SUPERVISOR).count() == 1
    assert "4 项任务" in Notification.objects.get(user=world.leader, kind=ReminderKind.ESCALATE_LEADER).title
    kinds = sorted(b.get("kind") or b.get("msgtype") or "" for b in bodies)
    assert len(bodies) == len(set(kinds)) == 3, kinds  # overdue, leader, supervisor: one request each
    assert (
        ReminderLog.objects.filter(webhook=hook).count() == 12
        and not ReminderLog.objects.filter(webhook=hook, status="pending").exists()
    )
