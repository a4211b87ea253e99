"""Lights, periods, roll-up, target completion and the progress aggregates (small fixtures of our own)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from common.dates import local_today
from tasks import selectors
from tasks.lights import annotate_light, expected_percent, light_snapshot_take, task_light
from tasks.models import (
    Comparator,
    Light,
    LightSnapshot,
    ProgressReport,
    ReportingCycle,
    Task,
    TaskRole,
    TaskStatus,
)
from tasks.progress import period_key, rollup_percent, target_completion
from tests import factories

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def make_task(*, assigned: dt.datetime, deadline: dt.date | None, percent: int = 0, status=TaskStatus.IN_PROGRESS,
              **kw) -> Task:
    task = factories.TaskFactory(deadline=deadline, percent=percent, status=status, **kw)
    Task.objects.filter(pk=task.pk).update(assigned_at=assigned)
    task.refresh_from_db()
    return task


def sql_light(task: Task, today: dt.date) -> str:
    return annotate_light(Task.objects.filter(pk=task.pk), today).get().light


# --- Light rules: Python and SQL agree ---

# Assigned 2026-01-01, deadline 2026-12-31 (364 days). On 2026-07-02 (182 days) 序时进度 = 50 %.
LIGHT_CASES = [
    # (today, percent, status, expected light, why)
    (dt.date(2026, 7, 2), 50, TaskStatus.IN_PROGRESS, Light.GREEN, "on schedule"),
    (dt.date(2026, 7, 2), 41, TaskStatus.IN_PROGRESS, Light.GREEN, "9 points behind"),
    (dt.date(2026, 7, 2), 40, TaskStatus.IN_PROGRESS, Light.YELLOW, "10 points behind"),
    (dt.date(2026, 7, 2), 20, TaskStatus.IN_PROGRESS, Light.YELLOW, "30 points behind"),
    (dt.date(2026, 7, 2), 19, TaskStatus.IN_PROGRESS, Light.RED, "31 points behind"),
    # The yellow window counts WORKING days (workdays.calendar): (12-10, 12-31] holds 15 of them.
    (dt.date(2026, 12, 10), 99, TaskStatus.IN_PROGRESS, Light.YELLOW, "15 working days left"),
    (dt.date(2026, 12, 9), 99, TaskStatus.IN_PROGRESS, Light.GREEN, "16 working days left"),
    (dt.date(2026, 12, 20), 100, TaskStatus.SUBMITTED, Light.GREEN, "submitted, near due"),
    (dt.date(2026, 12, 31), 100, TaskStatus.IN_PROGRESS, Light.YELLOW, "due today: not overdue yet"),
    (dt.date(2027, 1, 1), 100, TaskStatus.IN_PROGRESS, Light.RED, "overdue"),
    (dt.date(2027, 1, 1), 100, TaskStatus.FINISHED, Light.FINISHED, "finished is terminal"),
    (dt.date(2027, 1, 1), 10, TaskStatus.CANCELLED, Light.CANCELLED, "cancelled is terminal"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "percent", "status", "expected", "why"), LIGHT_CASES)
def test_light_rules_python_and_sql_agree(today, percent, status, expected, why):
    task = make_task(assigned=sh(2026, 1, 1, 9), deadline=dt.date(2026, 12, 31), percent=percent, status=status)
    assert task_light(task, today) == expected, why
    assert sql_light(task, today) == expected, why


@pytest.mark.django_db
def test_light_no_deadline_is_green_and_assigned_after_deadline_expects_100():
    no_deadline = make_task(assigned=sh(2026, 1, 1, 9), deadline=None, percent=0)
    assert task_light(no_deadline, dt.date(2030, 1, 1)) == sql_light(no_deadline, dt.date(2030, 1, 1)) == Light.GREEN
    late = make_task(assigned=sh(2026, 6, 1, 9), deadline=dt.date(2026, 6, 1), percent=60)
    assert expected_percent(late, dt.date(2026, 6, 1)) == 100
    assert task_light(late, dt.date(2026, 6, 1)) == sql_light(late, dt.date(2026, 6, 1)) == Light.RED


@pytest.mark.django_db
def test_light_thresholds_come_from_settings(settings):
    settings.DUBAN = {**settings.DUBAN, "LIGHT_RED_BEHIND": 5, "LIGHT_YELLOW_BEHIND": 2}
    task = make_task(assigned=sh(2026, 1, 1, 9), deadline=dt.date(2026, 12, 31), percent=44)
    assert task_light(task, dt.date(2026, 7, 2)) == sql_light(task, dt.date(2026, 7, 2)) == Light.RED


@pytest.mark.django_db
def test_overdue_turns_red_at_beijing_midnight_not_utc_midnight():
    task = make_task(assigned=sh(2026, 1, 1, 9), deadline=dt.date(2026, 6, 30), percent=100)
    # 2026-06-30 23:59 Beijing = 15:59 UTC: still the deadline day.
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, 59, tzinfo=dt.UTC), tick=False):
        assert local_today() == dt.date(2026, 6, 30)
        assert task_light(task) == Light.YELLOW
        assert sql_light(task, local_today()) == Light.YELLOW
    # 2026-07-01 00:01 Beijing = 2026-06-30 16:01 UTC: the UTC date is still the 30th, but we are overdue.
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 1, tzinfo=dt.UTC), tick=False):
        assert local_today() == dt.date(2026, 7, 1)
        assert task_light(task) == Light.RED
        assert sql_light(task, local_today()) == Light.RED


@pytest.mark.django_db
def test_assigned_date_is_the_beijing_date():
    # Assigned 2026-01-01 23:30 UTC = 2026-01-02 07:30 Beijing: the schedule starts on the 2nd.
    task = make_task(assigned=dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC), deadline=dt.date(2026, 1, 12))
    # 10 days in total; on the 7th, 5 elapsed → 50 %.
    assert expected_percent(task, dt.date(2026, 1, 7)) == 50
    Task.objects.filter(pk=task.pk).update(percent=19)
    task.refresh_from_db()
    assert task_light(task, dt.date(2026, 1, 7)) == sql_light(task, dt.date(2026, 1, 7)) == Light.RED


@pytest.mark.django_db
def test_light_snapshot_is_taken_once_per_period():
    make_task(assigned=sh(2026, 1, 1, 9), deadline=dt.date(2026, 12, 31), percent=10)
    make_task(assigned=sh(2026, 1, 1, 9), deadline=dt.date(2026, 12, 31), percent=60)
    assert light_snapshot_take(period="2026-07", today=dt.date(2026, 7, 2)) == 2
    assert light_snapshot_take(period="2026-07", today=dt.date(2026, 7, 2)) == 0
    assert sorted(LightSnapshot.objects.values_list("light", flat=True)) == [Light.GREEN, Light.RED]
    assert set(LightSnapshot.objects.values_list("expected_percent", flat=True)) == {50}


# --- Periods, roll-up, targets ---


@pytest.mark.parametrize(
    ("cycle", "day", "key"),
    [
        (ReportingCycle.MONTHLY, dt.date(2026, 11, 30), "2026-11"),
        (ReportingCycle.QUARTERLY, dt.date(2026, 10, 1), "2026-Q4"),
        (ReportingCycle.QUARTERLY, dt.date(2026, 3, 31), "2026-Q1"),
        (ReportingCycle.SEMIANNUAL, dt.date(2026, 7, 1), "2026-H2"),
        (ReportingCycle.ANNUAL, dt.date(2026, 7, 1), "2026"),
        (ReportingCycle.NONE, dt.date(2026, 7, 1), ""),
    ],
)
def test_period_key(cycle, day, key):
    assert period_key(cycle, day) == key


def test_rollup_percent_finished_counts_100_and_cancelled_is_skipped():
    assert rollup_percent([(TaskStatus.FINISHED, 40), (TaskStatus.IN_PROGRESS, 50)]) == 75
    assert rollup_percent([(TaskStatus.CANCELLED, 0), (TaskStatus.IN_PROGRESS, 50)]) == 50
    assert rollup_percent([(TaskStatus.IN_PROGRESS, 0), (TaskStatus.IN_PROGRESS, 90)], weights=[2, 1]) == 30
    assert rollup_percent([]) is None


@pytest.mark.django_db
def test_lead_task_rollup_annotation(staff):
    measure = factories.MeasureFactory()
    lead = factories.TaskFactory(measure=measure, role=TaskRole.LEAD, department=staff.department, percent=5)
    factories.TaskFactory(measure=measure, status=TaskStatus.FINISHED, percent=10)
    factories.TaskFactory(measure=measure, status=TaskStatus.IN_PROGRESS, percent=40)
    factories.TaskFactory(measure=measure, status=TaskStatus.CANCELLED, percent=0)
    row = selectors.task_list_for_user(user=staff).get(pk=lead.pk)
    assert row.rollup_percent == pytest.approx(70)
    alone = factories.TaskFactory(role=TaskRole.LEAD, department=staff.department, percent=33)
    assert selectors.task_list_for_user(user=staff).get(pk=alone.pk).rollup_percent == pytest.approx(33)


@pytest.mark.parametrize(
    ("comparator", "target", "actual", "percent", "met"),
    [
        (Comparator.AT_LEAST, "300", "150", 50, False),
        (Comparator.AT_LEAST, "300", "330", 100, True),
        (Comparator.MORE_THAN, "300", "300", 100, False),
        (Comparator.AT_MOST, "5", "4", 100, True),
        (Comparator.AT_MOST, "5", "10", 50, False),
        (Comparator.ABOUT, "100", "104", 96, True),
        (Comparator.ABOUT, "100", "80", 80, False),
    ],
)
def test_target_completion_honours_comparator(comparator, target, actual, percent, met):
    result = target_completion(comparator=comparator, target=Decimal(target), actual=Decimal(actual))
    assert result.percent == percent
    assert result.met is met


# --- Aggregates ---


@pytest.fixture
def progress_fixture(supervisor):
    """Two departments, six tasks on a monthly-reporting document, seen on 2026-07-02 (Beijing)."""
    a = factories.DepartmentFactory(name="市甲局", order=1)
    b = factories.DepartmentFactory(name="市乙局", order=2)
    doc = factories.PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY)
    assigned = sh(2026, 1, 1, 9)
    t = {}
    # 市甲局: one finished on time, one finished late (after the original deadline), one red (behind),
    # one overdue, one cancelled.
    t["on_time"] = make_task(assigned=assigned, deadline=dt.date(2026, 12, 31), status=TaskStatus.FINISHED,
                             percent=100, department=a, measure=factories.MeasureFactory(document=doc))
    Task.objects.filter(pk=t["on_time"].pk).update(finished_at=sh(2026, 6, 1, 10))
    t["late"] = make_task(assigned=assigned, deadline=dt.date(2026, 8, 31), status=TaskStatus.FINISHED,
                          percent=100, department=a, measure=factories.MeasureFactory(document=doc))
    Task.objects.filter(pk=t["late"].pk).update(original_deadline=dt.date(2026, 5, 31), finished_at=sh(2026, 6, 1, 10))
    t["red"] = make_task(assigned=assigned, deadline=dt.date(2026, 12, 31), percent=5, department=a,
                         measure=factories.MeasureFactory(document=doc))
    t["overdue"] = make_task(assigned=assigned, deadline=dt.date(2026, 6, 30), percent=90, department=a,
                             measure=factories.MeasureFactory(document=doc))
    t["cancelled"] = make_task(assigned=assigned, deadline=dt.date(2026, 12, 31), status=TaskStatus.CANCELLED,
                               department=a, measure=factories.MeasureFactory(document=doc))
    # 市乙局: one green task that has reported this month.
    t["green"] = make_task(assigned=assigned, deadline=dt.date(2026, 12, 31), percent=60, department=b,
                           measure=factories.MeasureFactory(document=doc))
    ProgressReport.objects.create(task=t["green"], author=supervisor, period="2026-07", percent=60, progress="进展")
    return {"a": a, "b": b, "doc": doc, "tasks": t}


@pytest.mark.django_db
def test_progress_by_department_numbers(progress_fixture, supervisor):
    rows = selectors.progress_by_department(user=supervisor, today=dt.date(2026, 7, 2))
    by_name = {r["department"]["name"]: r for r in rows}
    assert [r["department"]["name"] for r in rows] == ["市甲局", "市乙局"]
    a = by_name["市甲局"]
    assert a["total"] == 5
    assert a["by_status"][TaskStatus.FINISHED] == 2
    assert a["by_status"][TaskStatus.CANCELLED] == 1
    assert a["by_status"][TaskStatus.IN_PROGRESS] == 2
    assert a["overdue"] == 1
    assert (a["red"], a["yellow"], a["green"]) == (2, 0, 0)
    assert a["completion_rate"] == 0.5  # 2 finished of 4 not cancelled
    assert a["on_time_rate"] == 0.5  # the extended one finished after its original deadline
    assert a["reports_missing"] == 2  # red and overdue have no July report; finished/cancelled are not due
    b = by_name["市乙局"]
    assert (b["total"], b["green"], b["reports_missing"], b["completion_rate"]) == (1, 1, 0, 0.0)
    assert b["on_time_rate"] is None


@pytest.mark.django_db
def test_progress_by_department_scoped_for_department_user(progress_fixture):
    liaison = factories.LiaisonFactory(department=progress_fixture["b"])
    rows = selectors.progress_by_department(user=liaison, today=dt.date(2026, 7, 2))
    assert [r["department"]["name"] for r in rows] == ["市乙局"]


@pytest.mark.django_db
def test_progress_details_by_document_section_and_measure(progress_fixture, supervisor):
    detail = selectors.progress_department_detail(
        department_id=progress_fixture["a"].pk, user=supervisor, today=dt.date(2026, 7, 2)
    )
    assert len(detail["by_document"]) == 1 and detail["by_document"][0]["total"] == 5
    assert len(detail["by_measure"]) == 5
    doc = selectors.progress_document_detail(
        document_id=progress_fixture["doc"].pk, user=supervisor, today=dt.date(2026, 7, 2)
    )
    assert sum(r["total"] for r in doc["by_section"]) == 6
    assert len(doc["by_measure"]) == 6


@pytest.mark.django_db
def test_progress_by_department_is_one_query(progress_fixture, supervisor, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.progress_by_department(user=supervisor, today=dt.date(2026, 7, 2))


def test_now_helpers_are_aware():
    assert timezone.is_aware(sh(2026, 1, 1))
