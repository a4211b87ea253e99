"""Management commands: send_reminders (one summary line, idempotent, dry run) and the in-process loop."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command

from reminders.models import Notification, ReminderLog
from tests import factories

from .conftest import WORKING, at

D = dt.date
pytestmark = pytest.mark.django_db
SUMMARY = re.compile(r"^sent=(\d+) skipped=(\d+) failed=(\d+)$")


def run(*args):
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    match = SUMMARY.match(lines[-1])
    assert match, lines
    return [int(x) for x in match.groups()], lines


def test_send_reminders_prints_one_summary_line_and_is_idempotent(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    with time_machine.travel(at(D(2026, 10, 8), 10), tick=False):
        (sent, skipped, failed), lines = run("--today", "2026-10-08")
        assert len(lines) == 1 and sent == ReminderLog.objects.filter(status="sent").count() > 0
        assert (skipped, failed) == (0, 0)
        assert run("--today", "2026-10-08")[0] == [0, 0, 0]


def test_dry_run_writes_nothing(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    with time_machine.travel(at(D(2026, 10, 8), 10), tick=False):
        (sent, skipped, failed), lines = run("--today", "2026-10-08", "--dry-run")
    assert sent > 0 and len(lines) == sent + 1 and lines[0].startswith("[dry-run] ")
    assert ReminderLog.objects.count() == 0 and Notification.objects.count() == 0


def test_rows_deferred_by_quiet_hours_count_as_skipped(world):
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    with time_machine.travel(at(D(2026, 10, 8), 23), tick=False):
        (sent, skipped, failed), _ = run()
    assert sent == 0 and skipped == ReminderLog.objects.count() > 0


def test_bad_date_is_a_command_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "2026-13-01", stdout=io.StringIO())


def test_run_reminder_loop_once_says_it_is_the_in_process_fallback(world, settings, monkeypatch):
    settings.REDIS_URL = ""
    # The loop drops stale connections between rounds; inside a test transaction that would drop ours.
    monkeypatch.setattr("reminders.management.commands.run_reminder_loop.close_old_connections", lambda: None)
    factories.TaskFactory(status=WORKING, department=world.department, owner=world.owner, deadline=D(2026, 10, 12))
    out = io.StringIO()
    with time_machine.travel(at(D(2026, 10, 8), 10), tick=False):
        call_command("run_reminder_loop", "--once", "--interval", "1", stdout=out, stderr=io.StringIO())
    assert "in-process fallback" in out.getvalue().splitlines()[0]
    assert Notification.objects.filter(user=world.owner).count() == 1
