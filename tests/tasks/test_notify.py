"""Assigning tasks asks the reminders app for an immediate sweep, once the transaction commits."""

import pytest

from departments.demo import load_demo_city
from tasks.models import Task
from tasks.services.imports import policy_import

DOC = """江海市测试方案
一、重点任务
1.推进测试工作。（牵头单位：市工信局，责任单位：市科技局）
江海市人民政府办公室
2026年1月5日
""".encode()


@pytest.mark.django_db
def test_import_enqueues_one_sweep_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    load_demo_city()
    calls = []
    monkeypatch.setattr("reminders.services.enqueue_sweep", lambda: calls.append("sweep") or True)
    with django_capture_on_commit_callbacks(execute=True):
        policy_import(data=DOC, filename="a.txt")
        assert calls == []  # nothing is enqueued before the commit
    assert Task.objects.count() == 2
    assert calls == ["sweep"]


@pytest.mark.django_db
def test_reimporting_the_same_file_enqueues_nothing(monkeypatch, django_capture_on_commit_callbacks):
    load_demo_city()
    policy_import(data=DOC, filename="a.txt")
    calls = []
    monkeypatch.setattr("reminders.services.enqueue_sweep", lambda: calls.append("sweep") or True)
    with django_capture_on_commit_callbacks(execute=True):
        policy_import(data=DOC, filename="a.txt")
    assert calls == []


def test_without_a_broker_enqueueing_is_a_no_op(settings):
    from reminders.services import enqueue_sweep

    settings.REDIS_URL = ""
    assert enqueue_sweep() is False
