"""Each rule fires on the right working day, to the right people, exactly once (time frozen and moved)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from reminders.models import Notification, ReminderKind, ReminderLog, ReminderRule
from reminders.services import escalation_state_for, reminder_deliver_pending, reminder_sweep
from tasks.models import ProgressReport, ReportingCycle, TaskStatus
from tests import factories

from .conftest import WORKING, at, days, run_day

D = dt.date
pytestmark = pytest.mark.django_db


def fired(start, end, kind):
    """Run the sweep every day at 09:00 from start to end; {day: sorted date_keys of new `kind` rows}."""
    out = {}
    for day in days(start, end):
        new, _ = run_day(day)
        keys = sorted({r.date_key for r in new if r.kind == kind})
        if keys:
            out[day] = keys
    return out


def targets(rows, kind):
    return sorted({(r.recipient_id, r.channel) for r in rows if r.kind == kind and r.recipient_id})


# --- due soon ---


def test_due_soon_fires_on_working_days_30_7_3_1_0_before_the_deadline(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    result = fired(D(2026, 8, 1), D(2026, 10, 12), ReminderKind.DUE_SOON)
    assert result == {
        D(2026, 8, 25): ["2026-10-12:D-30"],  # Sunday 09-20 is a 调休 working day
        D(2026, 9, 24): ["2026-10-12:D-7"],  # 中秋 + weekend + 国庆 are skipped
        D(2026, 10, 8): ["2026-10-12:D-3"],
        D(2026, 10, 10): ["2026-10-12:D-1"],  # the 调休 Saturday is a working day
        D(2026, 10, 12): ["2026-10-12:D-0"],
    }


def test_due_soon_goes_to_owner_and_liaison_only(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    new, stats = run_day(D(2026, 10, 8))
    assert targets(new, ReminderKind.DUE_SOON) == [
        (world.owner.id, "email"),
        (world.owner.id, "inapp"),
        (world.liaison.id, "inapp"),
    ]
    assert Notification.objects.filter(kind=ReminderKind.DUE_SOON).count() == 2
    assert not Notification.objects.filter(
        user__in=[world.leader, world.supervisor, world.other_leader], kind=ReminderKind.DUE_SOON
    ).exists()


def test_running_the_sweep_twice_sends_nothing_new(world, mailoutbox):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    first, stats1 = run_day(D(2026, 10, 8))
    second, stats2 = run_day(D(2026, 10, 8), hour=15)
    assert stats1.sent == len(first) > 0
    assert second == [] and stats2.sent == 0
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == stats1.sent - 1  # everything but the one email


def test_a_missed_day_is_caught_up_with_the_latest_stage_only(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    # Nothing ran since August: on 10-09 only the current stage (D-3, due 10-08) is sent, not D-30/D-7 too.
    new, _ = run_day(D(2026, 10, 9))
    assert sorted({r.date_key for r in new if r.kind == ReminderKind.DUE_SOON}) == ["2026-10-12:D-3"]


def test_per_document_rule_overrides_the_global_rule(world):
    task = factories.TaskFactory(
        status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12)
    )
    ReminderRule.objects.create(name="本文件", document=task.measure.document, days_before=[2], channels=["inapp"])
    result = fired(D(2026, 9, 1), D(2026, 10, 12), ReminderKind.DUE_SOON)
    assert result == {D(2026, 10, 9): ["2026-10-12:D-2"]}
    assert not ReminderLog.objects.filter(channel="email").exists()


def test_extended_deadline_gets_fresh_reminders_and_stale_rows_are_skipped(world):
    task = factories.TaskFactory(
        status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12)
    )
    with time_machine.travel(at(D(2026, 10, 8), 23), tick=False):
        reminder_sweep()  # quiet hours: rows wait until 07:00
    task.deadline = D(2026, 12, 31)
    task.save(update_fields=["deadline"])
    with time_machine.travel(at(D(2026, 10, 9), 8), tick=False):
        stats = reminder_deliver_pending()
    task_rows = ReminderLog.objects.filter(task=task)
    assert stats.skipped == task_rows.count() == 3
    assert set(task_rows.values_list("status", "last_error")) == {("skipped", "完成时限已变更")}
    assert not Notification.objects.filter(task=task).exists()
    new, _ = run_day(D(2026, 12, 2))  # the new deadline gets its own D-30 reminder
    assert {r.date_key for r in new if r.task_id} == {"2026-12-31:D-30"}


# --- overdue, escalation ---


def test_overdue_repeats_every_k_working_days(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 11, 2))
    result = fired(D(2026, 11, 1), D(2026, 11, 20), ReminderKind.OVERDUE)
    assert result == {
        D(2026, 11, 3): ["2026-11-02:overdue-1"],
        D(2026, 11, 6): ["2026-11-02:overdue-4"],
        D(2026, 11, 11): ["2026-11-02:overdue-7"],  # the weekend 11-07/08 does not count
        D(2026, 11, 16): ["2026-11-02:overdue-10"],
        D(2026, 11, 19): ["2026-11-02:overdue-13"],
    }


def test_overdue_uses_the_lights_rule_finished_and_cancelled_tasks_are_never_reminded(world):
    factories.TaskFactory(
        department=world.department, owner=world.owner, deadline=D(2026, 11, 2), status=TaskStatus.FINISHED
    )
    factories.TaskFactory(
        department=world.department, owner=world.owner, deadline=D(2026, 11, 2), status=TaskStatus.CANCELLED
    )
    new, _ = run_day(D(2026, 11, 10))
    assert [r for r in new if r.task_id] == []


def test_escalation_to_leader_after_x_and_supervisors_after_y_working_days(world):
    task = factories.TaskFactory(
        status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 11, 2)
    )
    leader_days = fired(D(2026, 11, 1), D(2026, 11, 20), ReminderKind.ESCALATE_LEADER)
    assert leader_days == {D(2026, 11, 5): ["2026-11-02"]}  # 3rd working day overdue
    rows = ReminderLog.objects.filter(kind=ReminderKind.ESCALATE_LEADER, recipient__isnull=False)
    assert {r.recipient_id for r in rows} == {world.leader.id}  # not the other department's leader
    sup = ReminderLog.objects.filter(kind=ReminderKind.ESCALATE_SUPERVISOR)
    assert {r.recipient_id for r in sup} == {world.supervisor.id}
    assert {timezone_date(r.created_at) for r in sup} == {D(2026, 11, 11)}  # 7th working day overdue
    state = escalation_state_for([task.id, 999999])
    assert state[task.id]["level"] == "supervisor"
    assert state[task.id]["last_reminded_at"] is not None
    assert state[999999] == {"level": "none", "last_reminded_at": None}


def timezone_date(value):
    from django.utils import timezone

    return timezone.localtime(value).date()


def test_escalation_state_is_leader_between_x_and_y(world):
    task = factories.TaskFactory(
        status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 11, 2)
    )
    run_day(D(2026, 11, 5))
    assert escalation_state_for([task.id])[task.id]["level"] == "leader"


# --- report due ---


def test_report_due_before_the_cycle_closes_only_for_tasks_without_a_report(world):
    document = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY, reporting_day=28)
    pending = factories.TaskFactory(
        status=WORKING,
        measure__document=document,
        department=world.department,
        owner=world.owner,
        deadline=D(2027, 6, 30),
    )
    reported = factories.TaskFactory(
        status=WORKING,
        measure__document=document,
        department=world.department,
        owner=world.owner,
        deadline=D(2027, 6, 30),
    )
    ProgressReport.objects.create(task=reported, author=world.owner, period="2026-11", percent=50, progress="推进中")
    result = fired(D(2026, 11, 16), D(2026, 11, 30), ReminderKind.REPORT_DUE)
    # 11-28 is a Saturday: the report is due by Friday 11-27; R-3 → 11-24, R-1 → 11-26.
    assert result == {D(2026, 11, 24): ["2026-11:R-3"], D(2026, 11, 26): ["2026-11:R-1"]}
    assert set(ReminderLog.objects.filter(kind=ReminderKind.REPORT_DUE).values_list("task_id", flat=True)) == {
        pending.id
    }


# --- digests ---


def test_one_daily_digest_per_leader_and_supervisor_on_working_days(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 11, 2))
    new, _ = run_day(D(2026, 11, 4))
    run_day(D(2026, 11, 4), hour=16)
    digests = ReminderLog.objects.filter(kind__in=[ReminderKind.DIGEST_LEADER, ReminderKind.DIGEST_SUPERVISOR])
    assert sorted((r.kind, r.recipient_id) for r in digests) == [
        (ReminderKind.DIGEST_LEADER, world.leader.id),  # the other department has nothing: no digest
        (ReminderKind.DIGEST_SUPERVISOR, world.supervisor.id),
    ]
    note = Notification.objects.get(kind=ReminderKind.DIGEST_LEADER)
    assert "逾期任务 1 项" in note.body
    saturday, _ = run_day(D(2026, 11, 7))
    assert not [r for r in saturday if r.kind in (ReminderKind.DIGEST_LEADER, ReminderKind.DIGEST_SUPERVISOR)]


def test_digest_can_be_switched_off_in_the_global_rule(world):
    ReminderRule.objects.filter(document__isnull=True).update(digest_enabled=False)
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 11, 2))
    new, _ = run_day(D(2026, 11, 4))
    assert not [r for r in new if r.task_id is None]


# --- quiet hours ---


def test_quiet_hours_defer_but_never_drop(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    night, stats = run_day(D(2026, 10, 9), hour=23)
    assert night and stats.sent == 0
    assert {r.not_before for r in night} == {at(D(2026, 10, 10), 7)}
    early_new, early = run_day(D(2026, 10, 10), hour=6, minute=59)
    assert early.sent == 0
    with time_machine.travel(at(D(2026, 10, 10), 7, 1), tick=False):
        stats = reminder_deliver_pending()
    assert stats.sent == len(night) + len(early_new)
    assert not ReminderLog.objects.filter(id__in=[r.id for r in night], status="pending").exists()


# --- two beats: the sweep lock ---


@pytest.mark.postgres
def test_a_second_concurrent_sweep_is_locked_out(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL-only (SQLite serialises writers by itself)")
    import psycopg

    from reminders.services import SWEEP_LOCK_KEY

    s = connection.settings_dict
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    with psycopg.connect(
        host=s["HOST"],
        port=s["PORT"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK_KEY])  # "another beat" is sweeping
        with time_machine.travel(at(D(2026, 10, 8)), tick=False):
            assert reminder_sweep().locked_out is True
        assert ReminderLog.objects.count() == 0
        other.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])
    with time_machine.travel(at(D(2026, 10, 8)), tick=False):
        assert reminder_sweep().created > 0


# --- 交办 notice ---


def test_new_task_notifies_owner_and_liaison_once_until_signed_for(world):
    task = factories.TaskFactory(department=world.department, owner=world.owner, deadline=D(2027, 6, 30))
    new, _ = run_day(D(2026, 11, 2))
    assert targets(new, ReminderKind.ASSIGNED) == [
        (world.owner.id, "email"),
        (world.owner.id, "inapp"),
        (world.liaison.id, "inapp"),
    ]
    note = Notification.objects.get(user=world.liaison, kind=ReminderKind.ASSIGNED)
    assert "新任务交办" in note.title and "请及时签收" in note.body
    again, _ = run_day(D(2026, 11, 3))
    assert [r for r in again if r.kind == ReminderKind.ASSIGNED] == []
    assert task.pk  # the task itself is untouched by reminders


def test_reassigned_task_notifies_the_new_department(world):
    task = factories.TaskFactory(department=world.department, owner=world.owner, deadline=D(2027, 6, 30))
    run_day(D(2026, 11, 2))
    other = world.other_leader.department
    other_liaison = factories.LiaisonFactory(department=other)
    task.department = other
    task.owner = other_liaison
    task.save(update_fields=["department", "owner"])
    new, _ = run_day(D(2026, 11, 3))
    assert targets(new, ReminderKind.ASSIGNED) == [(other_liaison.id, "inapp")]


def test_notice_pending_in_quiet_hours_is_dropped_once_the_task_is_signed_for(world):
    task = factories.TaskFactory(department=world.department, owner=world.owner, deadline=D(2027, 6, 30))
    with time_machine.travel(at(D(2026, 11, 2), 23, 30), tick=False):
        reminder_sweep()  # planned during quiet hours: waits in the log
    assert ReminderLog.objects.filter(kind=ReminderKind.ASSIGNED, status="pending").exists()
    task.status = TaskStatus.ACCEPTED
    task.save(update_fields=["status"])
    with time_machine.travel(at(D(2026, 11, 3), 9), tick=False):
        reminder_deliver_pending()
    assert not Notification.objects.filter(kind=ReminderKind.ASSIGNED).exists()
    assert not ReminderLog.objects.filter(kind=ReminderKind.ASSIGNED, status="pending").exists()
