"""Celery/Redis faults with real processes (issue 15 item 3), reusing tests/reminders/test_integration.py's stack.

(a) the worker is SIGKILLed mid-delivery and beat is SIGKILLed and restarted: after a fresh worker drains,
    every reminder was delivered exactly once (one Notification per in-app log row, none twice, none missing);
(b) Redis is down while the API takes writes (签收, 报送进展, 催办) in this process: none fails, and once Redis is
    back the next sweep catches up (the due reminders are planned and every notice is delivered).
"""

from __future__ import annotations

import time

from django.db.models import Count
from rest_framework.test import APIClient

from common.dates import local_today
from reminders.models import Notification, ReminderLog
from tasks.models import TaskStatus, Urge
from tests import factories
from tests.reminders.sink import Sink

from .conftest import INTEGRATION, make_due_tasks, report, sigkill_beat, size, wait_for

pytestmark = INTEGRATION


def _dump_on_timeout(stack, predicate, timeout, what):
    try:
        return wait_for(predicate, timeout, what)
    except AssertionError:
        print(stack.logs())
        raise


def test_worker_sigkill_and_beat_restart_deliver_1000_reminders_exactly_once(stack):
    n = size("reminders", 1000, 1000)
    with Sink() as sink:
        started = time.monotonic()
        task_ids = make_due_tasks(n, sink.url)
        setup_s = time.monotonic() - started
        stack.start_worker(1)
        stack.start_beat()
        _dump_on_timeout(stack, lambda: Notification.objects.count() >= n // 10, 60, "the first deliveries")
        stack.sigkill_worker()
        sigkill_beat(stack)
        inapp_at_kill = Notification.objects.count()
        pending_at_kill = ReminderLog.objects.filter(status="pending").count()
        assert pending_at_kill > 0, "everything was delivered before the kill; nothing was tested"
        time.sleep(1)
        stack.start_beat()  # a restarted beat (stale pidfile of the killed one is removed by celery)
        stack.start_worker(2)
        drained = time.monotonic()
        _dump_on_timeout(
            stack, lambda: not ReminderLog.objects.filter(status="pending").exists(), 150, "every row delivered"
        )
        drain_s = time.monotonic() - drained
        time.sleep(2)  # more beat ticks with the restarted beat: nothing may be planned or sent again
        ids = sink.delivery_ids()
        per_log = Notification.objects.values("log_id").annotate(c=Count("id"))
        twice = [row for row in per_log if row["c"] > 1]
        report(
            "faults-sigkill",
            reminders=n,
            setup_s=round(setup_s, 1),
            inapp_at_kill=inapp_at_kill,
            pending_at_kill=pending_at_kill,
            drain_after_restart_s=round(drain_s, 1),
            inapp=Notification.objects.count(),
            webhook_unique=len(set(ids)),
            webhook_raw=len(ids),
        )
        inapp_logs = ReminderLog.objects.filter(channel="inapp")
        assert inapp_logs.count() == n
        assert ReminderLog.objects.count() == 2 * n  # in-app + webhook, planned once despite two beats
        assert set(ReminderLog.objects.values_list("status", flat=True)) == {"sent"}
        assert twice == []  # none twice
        assert Notification.objects.count() == n  # none missing
        inapp_log_ids = set(inapp_logs.values_list("id", flat=True))
        assert set(Notification.objects.values_list("log_id", flat=True)) == inapp_log_ids
        assert sorted(Notification.objects.values_list("task_id", flat=True)) == sorted(task_ids)
        assert len(set(ids)) == n  # every webhook arrived; receivers dedupe the few in flight at the kill
        assert len(ids) - len(set(ids)) <= 2


def test_redis_down_api_writes_all_succeed_then_the_next_sweep_catches_up(web_on_stack_broker):
    stack = web_on_stack_broker
    n_tasks = size("redis_tasks", 10, 40)
    down_seconds = size("redis_down_seconds", 3, 120)
    make_due_tasks(0, "http://127.0.0.1:9/unused")  # only the global rule: D-0, in-app, no quiet hours
    supervisor = factories.SupervisorFactory()
    today = local_today()
    tasks, leaders = [], {}
    for _ in range(n_tasks):
        department = factories.DepartmentFactory()
        owner = factories.StaffFactory(department=department)
        leaders[department.pk] = factories.LeaderFactory(department=department)
        tasks.append(
            factories.TaskFactory(status=TaskStatus.ASSIGNED, department=department, owner=owner, deadline=today)
        )
    stack.start_worker()
    stack.start_beat()
    time.sleep(3)  # worker and beat connected
    stack.redis.stop()
    assert not stack.redis.ping()

    boss = APIClient()
    boss.force_authenticate(supervisor)
    statuses, slowest, writes = [], 0.0, 0
    started = time.monotonic()
    rounds = 0
    while rounds == 0 or (time.monotonic() - started < down_seconds and rounds < 1000):
        for task in tasks:
            dept = APIClient()
            dept.force_authenticate(leaders[task.department_id])
            calls = [
                (
                    dept,
                    f"/api/v1/tasks/{task.pk}/report/",
                    {"percent": min(100, 10 + rounds), "progress": f"第{rounds}次报送"},
                ),
                (boss, f"/api/v1/tasks/{task.pk}/urge/", {"message": "请抓紧推进。"}),
            ]
            if rounds == 0:
                calls.insert(0, (dept, f"/api/v1/tasks/{task.pk}/accept/", {}))
            for client, url, body in calls:
                t0 = time.monotonic()
                response = client.post(url, body, format="json")
                slowest = max(slowest, time.monotonic() - t0)
                writes += 1
                ok = response.status_code in (200, 201)
                # 催办 is once a day per person and task: a repeat is a clean 409, not a failure of the write path.
                repeat_urge = response.status_code == 409 and "urge" in url and rounds > 0
                statuses.append(response.status_code if not repeat_urge else "repeat")
                assert ok or repeat_urge, (url, response.status_code, getattr(response, "data", None))
        rounds += 1
    down_for = time.monotonic() - started
    assert not stack.redis.ping(), "Redis came back by itself; the outage did not last"
    failed = [s for s in statuses if s not in (200, 201, "repeat")]
    assert Urge.objects.count() == n_tasks
    # Delivery reads the reminder log, not the broker: a delivery job that was already running when Redis went
    # down may go on sending rows written during the outage. Either way every 催办 notice exists, sent or waiting.
    pending_during_outage = ReminderLog.objects.filter(status="pending").count()
    urge_rows = ReminderLog.objects.filter(kind="urged", channel="inapp")
    assert urge_rows.count() >= n_tasks
    assert urge_rows.filter(status__in=["pending", "sent"]).count() == urge_rows.count()

    stack.redis.start()  # same port
    back = time.monotonic()
    task_ids = {t.pk for t in tasks}
    _dump_on_timeout(
        stack,
        lambda: set(Notification.objects.filter(kind="due_soon").values_list("task_id", flat=True)) == task_ids
        and not ReminderLog.objects.filter(status="pending").exists(),
        60,
        "the sweep after Redis returned",
    )
    catch_up_s = time.monotonic() - back
    time.sleep(1.5)
    per_log = Notification.objects.values("log_id").annotate(c=Count("id")).filter(c__gt=1)
    report(
        "faults-redis-down",
        api_writes=writes,
        failed=len(failed),
        down_seconds=round(down_for, 1),
        slowest_write_s=round(slowest, 2),
        pending_during_outage=pending_during_outage,
        catch_up_s=round(catch_up_s, 1),
        notifications=Notification.objects.count(),
    )
    assert failed == []
    assert not per_log.exists()
    urged = Notification.objects.filter(kind="urged")
    assert set(urged.values_list("task_id", flat=True)) == task_ids  # every 催办 notice arrived after the outage
    assert slowest < 10
