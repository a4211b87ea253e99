"""The sweep's insert (reminders/bulk.py): on PostgreSQL one INSERT … SELECT FROM unnest(…) writes exactly what
bulk_create would, column by column, and still skips conflicting rows and counts only the rows it inserted."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from reminders import bulk
from reminders.bulk import insert_rows, insert_rows_bulk_create, insert_rows_unnest
from reminders.models import ChannelConfig, ReminderKind, ReminderLog, ReminderRule, default_channels
from reminders.services import PlannedRow, reminder_sweep
from tasks.models import TaskStatus
from tests import factories

from .conftest import SHANGHAI, WORKING, at

D = dt.date
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI)


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the unnest() insert is PostgreSQL-only (SQLite keeps bulk_create)")


def written(rows, order_by: tuple[str, ...]) -> list[tuple]:
    """Every column but the auto id of `rows` (a queryset), so that a column added to the model is compared too."""
    opts = rows.model._meta
    names = [f.attname for f in opts.concrete_fields if f is not opts.auto_field]
    return list(rows.order_by(*order_by).values_list(*names))


def inserts(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def planned_rows(world) -> list[PlannedRow]:
    """Task rows to people and to a webhook, a held row, a digest (no task), a later not_before, and a date
    key that needs quoting inside an array literal."""
    tasks = [factories.TaskFactory(department=world.department, owner=world.owner) for _ in range(3)]
    hook = ChannelConfig.objects.create(name="群", kind="wecom", url="https://example.invalid/hook")
    late = NOW + dt.timedelta(hours=13, minutes=30)
    rows = [
        PlannedRow(task.id, world.owner.id, None, f"u:{world.owner.id}", ReminderKind.DUE_SOON, "inapp",
                   "2026-10-12:D-1", NOW)
        for task in tasks
    ]
    rows += [
        PlannedRow(tasks[0].id, world.liaison.id, None, f"u:{world.liaison.id}", ReminderKind.OVERDUE, "email",
                   '截止 "引号" \\ 反斜杠, {括号}', late, ReminderLog.Status.HELD),
        PlannedRow(tasks[1].id, None, hook.id, f"w:{hook.id}", "overdue", "wecom", "2026-10-12:overdue-1", NOW),
        PlannedRow(None, world.supervisor.id, None, f"u:{world.supervisor.id}", ReminderKind.DIGEST_SUPERVISOR,
                   "inapp", "2026-10-09", NOW, "pending"),
    ]
    return rows


@pytest.mark.postgres
def test_unnest_insert_writes_what_bulk_create_writes_column_by_column(world):
    needs_postgres()
    rows = planned_rows(world)
    key = ("task_id", "target", "kind", "channel", "date_key")
    with time_machine.travel(NOW, tick=False):
        assert insert_rows_unnest(ReminderLog, PlannedRow._fields, rows) == len(rows)
        fast = written(ReminderLog.objects.all(), key)
        ReminderLog.objects.all().delete()
        assert insert_rows_bulk_create(ReminderLog, PlannedRow._fields, rows) == len(rows)
        slow = written(ReminderLog.objects.all(), key)
    assert fast == slow and len(fast) == len(rows)
    # The columns the rows do not set got Django's values: auto_now_add, the default 0, the empty string.
    assert set(ReminderLog.objects.values_list("created_at", "attempts", "last_error", "sent_at")) == {
        (NOW, 0, "", None)
    }
    assert ReminderLog.objects.get(status="held").date_key == rows[3].date_key


@pytest.mark.postgres
def test_unnest_insert_handles_any_field_type_like_bulk_create(db):
    """Another model with JSON lists, times, booleans, nulls, a callable default and auto_now (ReminderRule):
    the path is derived from the model's fields, not written for ReminderLog's."""
    needs_postgres()
    names = ("name", "active", "days_before", "quiet_hours_start", "escalate_leader_after_days")
    rows = [
        ("规则 \"甲\"", False, [30, 7, 3], dt.time(22, 0), None),
        ("规则乙", False, [], None, 5),
        ("规则丙", False, [1], dt.time(21, 30), 3),
    ]
    inserted = ReminderRule.objects.filter(name__in=[row[0] for row in rows])
    with time_machine.travel(NOW, tick=False):
        assert insert_rows_unnest(ReminderRule, names, rows) == 3
        fast = written(inserted, ("name",))
        inserted.delete()
        assert insert_rows_bulk_create(ReminderRule, names, rows) == 3
        slow = written(inserted, ("name",))
    assert fast == slow and len(fast) == 3
    assert ReminderRule.objects.get(name="规则乙").channels == default_channels()  # the callable default


@pytest.mark.postgres
def test_unnest_insert_skips_conflicts_and_counts_only_new_rows(world, monkeypatch):
    needs_postgres()
    monkeypatch.setattr(bulk, "INSERT_CHUNK", 2)
    rows = planned_rows(world)
    assert insert_rows(ReminderLog, PlannedRow._fields, rows[:3]) == 3
    with CaptureQueriesContext(connection) as ctx:
        assert insert_rows(ReminderLog, PlannedRow._fields, rows) == len(rows) - 3
    statements = inserts(ctx)
    assert len(statements) == 3 and all("unnest(" in sql and "ON CONFLICT DO NOTHING" in sql for sql in statements)
    assert ReminderLog.objects.count() == len(rows)


@pytest.mark.postgres
def test_unnest_insert_refuses_a_value_too_long_for_its_column(world):
    """The arrays are cast to the column's type without its length: a cast to varchar(24) would silently cut."""
    needs_postgres()
    row = planned_rows(world)[0]._replace(target="u:" + "9" * 30)
    with pytest.raises(DataError), transaction.atomic():
        insert_rows_unnest(ReminderLog, PlannedRow._fields, [row])


@pytest.mark.postgres
def test_sweep_on_postgres_inserts_with_one_unnest_statement(world):
    needs_postgres()
    for deadline in (D(2026, 10, 12), D(2026, 10, 13), D(2026, 9, 30)):
        factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=deadline)
    factories.TaskFactory(status=TaskStatus.ASSIGNED, department=world.department, owner=world.owner)
    with time_machine.travel(at(D(2026, 10, 9)), tick=False), CaptureQueriesContext(connection) as ctx:
        result = reminder_sweep()
    statements = inserts(ctx)
    assert len(statements) == 1 and "unnest(" in statements[0]
    assert result.created == ReminderLog.objects.count() == result.planned > 0


def test_insert_rows_skips_conflicts_and_counts_only_new_rows(world):
    """Either path (bulk_create on SQLite): a row already in the log is neither duplicated nor counted."""
    rows = planned_rows(world)
    assert insert_rows(ReminderLog, PlannedRow._fields, rows[:2]) == 2
    assert insert_rows(ReminderLog, PlannedRow._fields, rows) == len(rows) - 2
    assert insert_rows(ReminderLog, PlannedRow._fields, rows) == 0
    assert insert_rows(ReminderLog, PlannedRow._fields, []) == 0
    assert ReminderLog.objects.count() == len(rows)


def test_a_dry_run_sweep_returns_the_rows_it_would_create_and_keeps_none(world):
    for deadline in (D(2026, 10, 12), D(2026, 9, 30)):
        factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=deadline)
    with time_machine.travel(at(D(2026, 10, 9)), tick=False):
        result = reminder_sweep(dry_run=True)
    assert result.created == len(result.created_rows) > 0
    assert {r.kind for r in result.created_rows} >= {ReminderKind.DUE_SOON, ReminderKind.OVERDUE}
    assert all(r.pk for r in result.created_rows)
    assert ReminderLog.objects.count() == 0
