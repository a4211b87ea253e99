"""Fault-injection fixtures (issue 15 item 3). The process helpers come from the reminder integration tests:
`stack` (private redis-server + Celery worker/beat processes, killed in teardown), `Stack`, `wait_for`,
`make_due_tasks` and `report` are imported, not copied.

Sizes: CI runs the defaults below; the full sizes run with
`DUBAN_FAULTS_FULL=1 bash scripts/test tests/faults` (see docs/performance.md, "Faults").
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator

import pytest

from tests.reminders.test_integration import (  # noqa: F401  (stack is a fixture: importing registers it)
    Stack,
    make_due_tasks,
    report,
    stack,
    wait_for,
)
from tests.reminders.test_integration import pytestmark as INTEGRATION  # noqa: N812

__all__ = ["FULL", "INTEGRATION", "Stack", "make_due_tasks", "report", "size", "wait_for"]

FULL = os.environ.get("DUBAN_FAULTS_FULL") == "1"


def size(name: str, ci: int, full: int) -> int:
    """DUBAN_FAULTS_<NAME> if set, else the full size under DUBAN_FAULTS_FULL=1, else the CI size."""
    return int(os.environ.get(f"DUBAN_FAULTS_{name.upper()}", full if FULL else ci))


def beat_process(s: Stack) -> subprocess.Popen:
    """The (last started) beat process of the stack."""
    beats = [p for p in s.procs if "beat" in p.args and p.poll() is None]
    assert beats, "no running beat"
    return beats[-1]


def sigkill_beat(s: Stack) -> None:
    proc = beat_process(s)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


@pytest.fixture
def web_on_stack_broker(stack, settings) -> Iterator[Stack]:  # noqa: F811
    """Point THIS (web) process's Celery producer at the stack's private Redis, so API writes meet its outage."""
    from config.celery_app import app

    settings.REDIS_URL = stack.redis.url
    old_broker, app.conf.broker_url = app.conf.broker_url, stack.redis.url
    app._pool = None
    try:
        yield stack
    finally:
        app.conf.broker_url = old_broker
        app._pool = None
