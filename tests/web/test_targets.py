"""Departments record actual values for a measure's targets from the task page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from tasks.models import Target, TargetReading
from tests import factories


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def target_task(department):
    task = factories.TaskFactory(department=department)
    target = Target.objects.create(measure=task.measure, text="新增企业300家以上", value=300, unit="家", year=2027)
    return task, target


@pytest.mark.django_db
def test_reading_is_recorded_and_completion_shown(staff, target_task):
    task, target = target_task
    c = login(staff)
    resp = c.post(
        f"/tasks/{task.pk}/targets/{target.pk}/reading/",
        {"value": "150", "measured_on": "2026-06-30", "evidence": "统计局季报"},
    )
    assert resp.status_code == 302
    reading = TargetReading.objects.get(target=target)
    assert reading.value == Decimal("150") and reading.measured_on == dt.date(2026, 6, 30)
    assert reading.department_id == staff.department_id
    page = c.get(f"/tasks/{task.pk}/").content.decode()
    assert "50%" in page  # 150 of 300


@pytest.mark.django_db
def test_future_date_is_refused_with_a_chinese_message(staff, target_task):
    task, target = target_task
    resp = login(staff).post(
        f"/tasks/{task.pk}/targets/{target.pk}/reading/", {"value": "1", "measured_on": "2099-01-01"}, follow=True
    )
    assert "统计日期不能晚于今天" in resp.content.decode()
    assert not TargetReading.objects.exists()


@pytest.mark.django_db
def test_other_department_cannot_post_a_reading(target_task):
    task, target = target_task
    outsider = factories.StaffFactory()
    resp = login(outsider).post(
        f"/tasks/{task.pk}/targets/{target.pk}/reading/", {"value": "1", "measured_on": "2026-01-01"}
    )
    assert resp.status_code == 404
    assert not TargetReading.objects.exists()


@pytest.mark.django_db
def test_target_of_another_measure_is_404(staff, target_task):
    task, _ = target_task
    foreign = Target.objects.create(measure=factories.MeasureFactory(), text="x", value=1)
    resp = login(staff).post(
        f"/tasks/{task.pk}/targets/{foreign.pk}/reading/", {"value": "1", "measured_on": "2026-01-01"}
    )
    assert resp.status_code == 404
