"""The steady-state sweep inserts only missing rows, yet stays state-based (new recipients still get theirs)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders import services
from reminders.models import ReminderKind, ReminderLog
from reminders.services import reminder_sweep
from tests import factories

from .conftest import WORKING, at, run_day

D = dt.date
pytestmark = pytest.mark.django_db


def inserts(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def sweep_at(day: dt.date, hour: int):
    with time_machine.travel(at(day, hour), tick=False), CaptureQueriesContext(connection) as ctx:
        result = reminder_sweep()
    return result, ctx


def test_a_repeated_sweep_plans_everything_but_inserts_nothing(world):
    for deadline in (D(2026, 10, 12), D(2026, 10, 13), D(2026, 9, 30)):  # two due soon, one overdue
        factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=deadline)
    first, ctx1 = sweep_at(D(2026, 10, 9), 9)
    assert first.created == first.planned > 0 and inserts(ctx1)
    second, ctx2 = sweep_at(D(2026, 10, 9), 15)
    assert (second.planned, second.created) == (first.planned, 0)
    assert inserts(ctx2) == []
    assert ReminderLog.objects.count() == first.created


def test_existing_rows_are_found_across_chunks(world, monkeypatch):
    monkeypatch.setattr(services, "EXISTING_CHUNK", 1)
    for deadline in (D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14)):
        factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=deadline)
    first, _ = sweep_at(D(2026, 10, 9), 9)
    second, ctx = sweep_at(D(2026, 10, 9), 15)
    assert first.created > 0 and second.created == 0 and inserts(ctx) == []


def test_a_liaison_added_after_the_sweep_still_gets_the_current_stage(world):
    task = factories.TaskFactory(
        status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12)
    )
    run_day(D(2026, 10, 8))
    newcomer = factories.LiaisonFactory(department=world.department)
    new, _ = run_day(D(2026, 10, 8), hour=15)
    assert [(r.task_id, r.recipient_id, r.kind, r.channel, r.date_key) for r in new] == [
        (task.pk, newcomer.pk, ReminderKind.DUE_SOON, "inapp", "2026-10-12:D-3"),
    ]
