"""Fixtures for reminder tests: one department with owner, liaison and leader; a supervisor; time travel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reminders.models import ReminderLog
from reminders.services import reminder_deliver_pending, reminder_sweep
from tasks.models import TaskStatus
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tasks whose deadlines are being chased have been signed for; an 已交办 task also gets a 交办 notice.
WORKING = TaskStatus.IN_PROGRESS


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class World:
    department: object
    owner: object
    liaison: object
    leader: object
    other_leader: object
    supervisor: object


@pytest.fixture
def world(db):
    department = factories.DepartmentFactory()
    other = factories.DepartmentFactory()
    return World(
        department=department,
        owner=factories.StaffFactory(department=department, email="owner@example.gov.cn"),
        liaison=factories.LiaisonFactory(department=department),
        leader=factories.LeaderFactory(department=department),
        other_leader=factories.LeaderFactory(department=other),
        supervisor=factories.SupervisorFactory(),
    )


def run_day(day: dt.date, hour: int = 9, minute: int = 0):
    """Freeze time at `day hour:minute` Beijing, sweep and deliver; returns (new log rows, delivery stats)."""
    with time_machine.travel(at(day, hour, minute), tick=False):
        before = set(ReminderLog.objects.values_list("id", flat=True))
        reminder_sweep()
        stats = reminder_deliver_pending()
        new = list(ReminderLog.objects.exclude(id__in=before).order_by("id"))
    return new, stats


def days(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)
