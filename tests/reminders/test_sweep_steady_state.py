"""The steady-state sweep inserts only missing rows, yet stays state-based (new recipients still get theirs)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reminders import services
from reminders.models import ChannelConfig, NotificationPreference, ReminderKind, ReminderLog
from reminders.services import plan_reminders, reminder_sweep
from tasks.models import TaskStatus
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


KEY = ("task_id", "target", "kind", "channel", "date_key")


def busy_department(world):
    """Every task reminder kind, webhooks, e-mail and a 每日汇总 person: many audiences, some shared."""
    ChannelConfig.objects.create(name="集成", kind="webhook", url="http://127.0.0.1:9/all")
    ChannelConfig.objects.create(name="部门群", kind="wecom", url="http://127.0.0.1:9/d", department=world.department)
    NotificationPreference.objects.create(user=world.liaison, digest=True)  # the liaison's rows are held
    for status, deadline in ((TaskStatus.ASSIGNED, D(2027, 6, 30)), (WORKING, D(2026, 10, 12)),
                             (WORKING, D(2026, 10, 13)), (WORKING, D(2026, 9, 15)), (WORKING, D(2026, 9, 16))):
        factories.TaskFactory(status=status, department=world.department, owner=world.owner, deadline=deadline)
    # Nobody but the leader in the other department: its overdue task goes to the leader.
    factories.TaskFactory(status=WORKING, department=world.other_leader.department, deadline=D(2026, 9, 15))


def test_the_database_expands_the_plan_into_exactly_the_planned_rows(world):
    busy_department(world)
    with time_machine.travel(at(D(2026, 10, 9), 23), tick=False):  # quiet hours: rows wait until 07:00
        plan = plan_reminders(today=D(2026, 10, 9), now=timezone.now())
        missing = plan.missing_rows()
    planned = list(plan.expand())
    assert len(set(planned)) == len(planned) == plan.planned
    assert len(missing) == len(set(missing)) and set(missing) == set(planned)  # the log is empty: all of them
    assert {r.kind for r in planned} == {
        ReminderKind.ASSIGNED, ReminderKind.DUE_SOON, ReminderKind.OVERDUE, ReminderKind.ESCALATE_LEADER,
        ReminderKind.ESCALATE_SUPERVISOR, ReminderKind.DIGEST_LEADER, ReminderKind.DIGEST_SUPERVISOR,
    }
    assert {r.channel for r in planned} == {"inapp", "email", "webhook", "wecom"}
    assert {r.status for r in planned if r.recipient_id == world.liaison.id} == {ReminderLog.Status.HELD}
    assert {r.not_before for r in planned} == {at(D(2026, 10, 10), 7)}
    leader_kinds = {r.kind for r in planned if r.task_id and r.recipient_id == world.other_leader.id}
    assert leader_kinds == {ReminderKind.OVERDUE, ReminderKind.ESCALATE_LEADER}


@pytest.mark.parametrize("chunk", [2, services.EXISTING_CHUNK])
def test_only_the_rows_missing_from_the_log_are_inserted_again(world, monkeypatch, chunk):
    monkeypatch.setattr(services, "EXISTING_CHUNK", chunk)
    busy_department(world)
    first, _ = sweep_at(D(2026, 10, 9), 9)
    everything = set(ReminderLog.objects.values_list(*KEY))
    # One row out of each of three audiences: the others of the same task and occasion stay.
    picks = (dict(kind=ReminderKind.DUE_SOON, channel="email"),
             dict(kind=ReminderKind.ESCALATE_SUPERVISOR, channel="webhook"),
             dict(kind=ReminderKind.OVERDUE, recipient=world.liaison))
    gone = [ReminderLog.objects.filter(**pick).values_list("id", flat=True).first() for pick in picks]
    assert None not in gone
    ReminderLog.objects.filter(id__in=gone).delete()
    second, ctx = sweep_at(D(2026, 10, 9), 15)
    noticed = ReminderLog.objects.filter(kind=ReminderKind.ASSIGNED).count()  # 交办 notices are not planned again
    assert noticed and (second.planned, second.created, len(inserts(ctx))) == (first.planned - noticed, 3, 1)
    assert set(ReminderLog.objects.values_list(*KEY)) == everything
    assert ReminderLog.objects.count() == first.created


@pytest.mark.parametrize("enabled", [True, False])
def test_the_sweep_leaves_the_garbage_collector_as_it_found_it(world, enabled):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        result, _ = sweep_at(D(2026, 10, 9), 9)
        assert result.created > 0 and gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
