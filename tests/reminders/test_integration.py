"""Real Redis + real Celery worker and beat processes against the pytest-django PostgreSQL test database.

Run under scripts/test (DUBAN_REQUIRE_SERVICES=1, DATABASE_URL, REDIS_URL, REDIS_SERVER_BIN). Each test
starts its OWN throwaway redis-server (so it can stop and restart it) on a free port, a worker and a beat;
every subprocess is killed in teardown. Deliveries are counted twice: in-app Notification rows (written in
the same transaction as the log row: strictly exactly-once) and requests to a local HTTP sink (the generic
webhook; receivers dedupe on X-Duban-Delivery, so we count unique ids and report raw duplicates).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from common.dates import local_today
from reminders.models import ChannelConfig, Notification, ReminderLog, ReminderRule
from tests import factories

from .conftest import WORKING
from .sink import Sink

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("DUBAN_REQUIRE_SERVICES") != "1",
        reason="DUBAN_REQUIRE_SERVICES is not 1: needs real PostgreSQL + Redis + Celery (run scripts/test)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Redis:
    """A private redis-server that the test can stop and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.bin = os.environ.get("REDIS_SERVER_BIN") or shutil.which("redis-server")
        if not self.bin:
            pytest.fail("REDIS_SERVER_BIN is not set and redis-server is not on PATH")
        self.port = free_port()
        self.dir = directory
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.bin,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, "redis-server to answer PING")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Stack:
    """Redis + Celery worker(s) + beat for one test; `kill_all()` in teardown."""

    def __init__(self, tmp: Path) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.fail("integration tests need PostgreSQL (DATABASE_URL) so worker processes share the test DB")
        self.tmp = tmp
        self.redis = Redis(tmp)
        url = urlsplit(os.environ["DATABASE_URL"])
        test_db_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
        self.env = {
            **os.environ,
            "DATABASE_URL": test_db_url,
            "REDIS_URL": self.redis.url,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DUBAN_REMINDERS_BEAT_SECONDS": "1",
            "DUBAN_REMINDERS_FANOUT": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: list[subprocess.Popen] = []
        self.worker: subprocess.Popen | None = None

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [str(CELERY), "-A", "config.celery_app", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: killpg reaches pool children
        )
        self.procs.append(proc)
        return proc

    def start_worker(self, n: int = 1) -> subprocess.Popen:
        self.worker = self._spawn(
            f"worker{n}",
            [
                "worker",
                "-l",
                "INFO",
                "-c",
                "2",
                "-P",
                "prefork",
                "-n",
                f"w{n}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        return self.worker

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            ["beat", "-l", "INFO", "-s", str(self.tmp / "beat-schedule"), "--pidfile", str(self.tmp / "beat.pid")],
        )

    def sigkill_worker(self) -> None:
        assert self.worker is not None
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(10)

    def kill_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        self.redis.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}" for p in self.tmp.glob("*.log"))


@pytest.fixture
def stack(transactional_db):
    tmp = Path(tempfile.mkdtemp(prefix="duban-reminders-it-"))
    s = Stack(tmp)
    s.redis.start()
    try:
        yield s
    finally:
        s.kill_all()
        shutil.rmtree(tmp, ignore_errors=True)


def make_due_tasks(n: int, sink_url: str) -> list[int]:
    """n open tasks due today (the D-0 stage fires on any day), each in its own department with its own owner
    and its own department webhook to the sink. Separate targets on purpose: rows of ONE target, channel and
    kind are delivered as one batched message (tests/reminders/test_batching.py), and these tests count
    one delivery per row."""
    ReminderRule.objects.filter(document__isnull=True).delete()
    ReminderRule.objects.create(
        name="集成测试",
        days_before=[0],
        quiet_hours_start=None,
        quiet_hours_end=None,
        channels=["inapp", "webhook"],
        digest_enabled=False,
    )
    today = local_today()
    task_ids = []
    for i in range(n):
        department = factories.DepartmentFactory()
        ChannelConfig.objects.create(
            name=f"sink{i}", kind="webhook", url=sink_url, secret="it-secret", department=department
        )
        owner = factories.StaffFactory(department=department)
        task_ids.append(factories.TaskFactory(status=WORKING, department=department, owner=owner, deadline=today).id)
    return task_ids


def report(name: str, **numbers) -> None:
    line = " ".join(f"{k}={v}" for k, v in numbers.items())
    sys.stderr.write(f"\n[reminders-integration] {name}: {line}\n")


def test_a_due_reminder_goes_through_the_worker(stack):
    with Sink() as sink:
        task_ids = make_due_tasks(3, sink.url)
        stack.start_worker()
        stack.start_beat()
        try:
            wait_for(lambda: len(set(sink.delivery_ids())) >= 3, 45, "3 webhook deliveries")
            wait_for(lambda: Notification.objects.count() >= 3, 10, "3 in-app notifications")
        except AssertionError:
            print(stack.logs())
            raise
        time.sleep(2)  # a few more beat ticks: nothing may be sent again
        assert Notification.objects.count() == 3
        assert sorted(Notification.objects.values_list("task_id", flat=True)) == sorted(task_ids)
        assert len(sink.requests) == 3
        assert set(ReminderLog.objects.values_list("status", flat=True)) == {"sent"}


def test_sigkill_worker_mid_batch_then_restart_delivers_everything_exactly_once(stack):
    n = 150
    with Sink(delay=0.03) as sink:
        make_due_tasks(n, sink.url)
        stack.start_worker(1)
        stack.start_beat()
        try:
            wait_for(lambda: len(sink.requests) >= 25, 40, "the first deliveries")
        except AssertionError:
            print(stack.logs())
            raise
        stack.sigkill_worker()
        at_kill = len(sink.requests)
        pending_at_kill = ReminderLog.objects.filter(status="pending").count()
        assert pending_at_kill > 0, "the batch finished before the kill; nothing was tested"
        stack.start_worker(2)
        try:
            wait_for(lambda: not ReminderLog.objects.filter(status="pending").exists(), 45, "every row delivered")
        except AssertionError:
            print(stack.logs())
            raise
        time.sleep(1.5)
        ids = sink.delivery_ids()
        unique = len(set(ids))
        duplicates = len(ids) - unique
        report(
            "sigkill",
            expected_per_channel=n,
            log_rows=ReminderLog.objects.count(),
            inapp=Notification.objects.count(),
            webhook_unique=unique,
            webhook_raw=len(ids),
            webhook_duplicates=duplicates,
            sink_requests_at_kill=at_kill,
            pending_at_kill=pending_at_kill,
        )
        assert ReminderLog.objects.count() == 2 * n
        assert set(ReminderLog.objects.values_list("status", flat=True)) == {"sent"}
        assert Notification.objects.count() == n  # in-app: strictly exactly once
        assert Notification.objects.values("log_id").distinct().count() == n
        assert unique == n  # webhook: every reminder arrived
        # At most the rows in flight when the worker died (pool of 2) can arrive twice; receivers dedupe by id.
        assert duplicates <= 2


def test_redis_down_api_writes_succeed_and_missed_reminders_arrive_after_it_returns(stack, settings):
    from rest_framework.test import APIClient

    from config.celery_app import app

    # Point this (web) process at the private Redis too, so its enqueue really hits the outage.
    settings.REDIS_URL = stack.redis.url
    old_broker, app.conf.broker_url = app.conf.broker_url, stack.redis.url
    app._pool = None
    try:
        with Sink() as sink:
            stack.start_worker()
            stack.start_beat()
            time.sleep(3)  # worker and beat connected
            stack.redis.stop()

            supervisor = factories.SupervisorFactory()
            client = APIClient()
            client.force_authenticate(supervisor)
            started = time.monotonic()
            task_ids = make_due_tasks(4, sink.url)  # Task writes do not touch Redis
            rule = ReminderRule.objects.get(document__isnull=True)
            response = client.patch(f"/api/v1/reminder-rules/{rule.id}/", {"overdue_repeat_days": 2}, format="json")
            elapsed = time.monotonic() - started
            assert response.status_code == 200, response.data  # the on-commit enqueue failed and was logged
            assert elapsed < 15
            time.sleep(2)
            assert Notification.objects.count() == 0  # nothing could be scheduled while Redis was down

            stack.redis.start()  # same port
            try:
                wait_for(lambda: Notification.objects.count() >= 4, 50, "the missed reminders after Redis returned")
                wait_for(lambda: len(set(sink.delivery_ids())) >= 4, 10, "the missed webhooks")
            except AssertionError:
                print(stack.logs())
                raise
            time.sleep(1.5)
            ids = sink.delivery_ids()
            report(
                "redis-down",
                expected=4,
                inapp=Notification.objects.count(),
                webhook_unique=len(set(ids)),
                webhook_raw=len(ids),
                api_write_seconds=round(elapsed, 2),
            )
            assert sorted(Notification.objects.values_list("task_id", flat=True)) == sorted(task_ids)
            assert len(ids) == len(set(ids)) == 4
    finally:
        app.conf.broker_url = old_broker
        app._pool = None
