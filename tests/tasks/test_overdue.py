"""Overdue is derived from the deadline and today's date in Beijing, never stored."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from common.dates import local_today
from tasks.lights import days_overdue, is_overdue, overdue_q
from tasks.models import Task, TaskStatus
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def task(db):
    return factories.TaskFactory(deadline=dt.date(2026, 3, 31))


def test_not_overdue_on_the_deadline_day_even_late_at_night(task):
    with time_machine.travel(dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=SHANGHAI), tick=False):
        assert local_today() == dt.date(2026, 3, 31)
        assert not is_overdue(task)
        assert not Task.objects.filter(overdue_q()).exists()


def test_overdue_from_midnight_beijing_time_while_utc_is_still_the_day_before(task):
    # 2026-04-01 00:00:01 in Beijing is 2026-03-31 16:00:01 UTC.
    with time_machine.travel(dt.datetime(2026, 4, 1, 0, 0, 1, tzinfo=SHANGHAI), tick=False):
        assert local_today() == dt.date(2026, 4, 1)
        assert is_overdue(task)
        assert days_overdue(task) == 1
        assert list(Task.objects.filter(overdue_q())) == [task]


@pytest.mark.parametrize("status", [TaskStatus.FINISHED, TaskStatus.CANCELLED])
def test_closed_tasks_are_never_overdue(task, status):
    Task.objects.filter(pk=task.pk).update(status=status)
    task.refresh_from_db()
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=SHANGHAI), tick=False):
        assert not is_overdue(task)
        assert not Task.objects.filter(overdue_q()).exists()


def test_task_without_deadline_is_never_overdue(db):
    t = factories.TaskFactory(deadline=None)
    assert not is_overdue(t, today=dt.date(2099, 1, 1))
    assert not Task.objects.filter(overdue_q(dt.date(2099, 1, 1))).exists()
