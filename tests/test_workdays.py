"""workdays.calendar: overrides → chinese_calendar → Monday–Friday; cache invalidation; the admin note;
and every day count built on it (SQL days overdue, the yellow light, 即将到期)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from reminders import schedule
from tasks.lights import annotate_light, days_overdue, days_overdue_expr, due_soon_until, task_light
from tasks.models import Light, Task, TaskStatus
from tasks.selectors import task_annotate
from tasks.web.selectors import dashboard_department
from tests import factories
from workdays import calendar
from workdays.models import CalendarDay

D = dt.date


@pytest.fixture(autouse=True)
def _no_overrides_left_behind():
    """Saved overrides vanish with the test's rolled-back transaction, which sends no signal: forget them."""
    yield
    calendar.set_overrides_for_tests({})


# --- The calendar ---


def test_chinese_calendar_then_weekends():
    assert calendar.is_working_day(D(2026, 10, 1)) is False  # 国庆, a Thursday
    assert calendar.is_working_day(D(2026, 10, 10)) is True  # 调休 Saturday
    assert calendar.is_working_day(D(2026, 10, 11)) is False
    years = calendar.covered_years()
    after = years.stop  # first year without data: Monday–Friday
    first_monday = next(D(after, 1, d) for d in range(1, 8) if D(after, 1, d).weekday() == 0)
    assert calendar.is_working_day(first_monday) is True
    assert calendar.is_working_day(first_monday + dt.timedelta(days=5)) is False
    assert calendar.fallback_years([years.start, years.stop - 1, after]) == [after]


def test_counting_functions():
    assert calendar.working_days_after(D(2026, 9, 30), D(2026, 10, 9)) == 2  # 10-08, 10-09
    assert calendar.working_days_between(D(2026, 10, 9), D(2026, 9, 30)) == -2
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.working_days_before(D(2026, 10, 12), 1) == D(2026, 10, 10)
    # "within 2 working days" of Wed 09-30 reaches until the day before the 3rd working day (10-10).
    assert calendar.within_working_days_limit(D(2026, 9, 30), 2) == D(2026, 10, 9)


def test_reminders_schedule_reexports_the_calendar():
    assert schedule.is_working_day is calendar.is_working_day
    assert schedule.working_days_before is calendar.working_days_before
    assert schedule.add_working_days is calendar.add_working_days


@pytest.mark.django_db
def test_override_wins_and_save_and_delete_invalidate_the_cache():
    local_holiday = D(2026, 7, 7)  # a Tuesday
    assert calendar.is_working_day(local_holiday) is True
    assert calendar.working_days_after(D(2026, 7, 6), D(2026, 7, 8)) == 2  # cached from here on
    day = CalendarDay.objects.create(date=local_holiday, is_working=False, note="本市防汛")
    assert calendar.is_working_day(local_holiday) is False
    assert calendar.working_days_after(D(2026, 7, 6), D(2026, 7, 8)) == 1
    assert schedule.working_days_before(D(2026, 7, 8), 1) == D(2026, 7, 6)
    day.is_working = True
    day.save()
    assert calendar.working_days_after(D(2026, 7, 6), D(2026, 7, 8)) == 2
    day.delete()
    assert calendar.is_working_day(local_holiday) is True
    saturday = CalendarDay.objects.create(date=D(2026, 7, 11), is_working=True, note="调休上班")
    assert calendar.is_working_day(saturday.date) is True
    assert calendar.add_working_days(D(2026, 7, 10), 1) == D(2026, 7, 11)


@pytest.mark.django_db
def test_other_processes_reload_overrides_after_the_refresh_interval(settings, monkeypatch):
    settings.WORKDAYS_REFRESH_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    calendar.invalidate()
    assert calendar.is_working_day(D(2026, 7, 7)) is True
    # Another process saved it: no signal here (bulk_create sends none).
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2026, 7, 7), is_working=False)])
    clock[0] += 30
    assert calendar.is_working_day(D(2026, 7, 7)) is True
    clock[0] += 31
    assert calendar.is_working_day(D(2026, 7, 7)) is False


def test_no_database_means_the_builtin_calendar():
    calendar.invalidate()  # no django_db mark: loading overrides is refused, the built-in calendar answers
    assert calendar.is_working_day(D(2026, 10, 10)) is True
    assert calendar.overrides() == {}


# --- Admin ---


@pytest.mark.django_db
def test_admin_changelist_tells_which_years_are_covered():
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    CalendarDay.objects.create(date=D(2026, 7, 11), is_working=True, note="调休上班")
    html = client.get("/admin/workdays/calendarday/").content.decode()
    years = calendar.covered_years()
    assert f"已内置 {years.start}–{years.stop - 1} 年" in html
    assert f"{years.stop} 年起尚无数据，按周一至周五为工作日计算" in html
    assert "调休上班" in html and "休息日（chinese_calendar）" in html
    assert client.get("/admin/workdays/calendarday/add/").status_code == 200


@pytest.mark.django_db
def test_admin_is_refused_to_department_users(staff):
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/workdays/calendarday/").status_code == 302  # to the admin login


# --- Days overdue: SQL equals Python, overrides included ---


@pytest.mark.django_db
def test_sql_days_overdue_matches_the_calendar_for_every_deadline():
    CalendarDay.objects.create(date=D(2026, 6, 3), is_working=False, note="地方假日")
    CalendarDay.objects.create(date=D(2026, 6, 6), is_working=True, note="调休")
    today = D(2026, 7, 2)
    deadlines = [today - dt.timedelta(days=k) for k in range(1, 120)]
    deadlines += [D(2003, 12, 31), D(2004, 1, 1), D(2015, 10, 8), D(2020, 1, 24), D(2024, 2, 17), D(2025, 12, 31)]
    dept = factories.DepartmentFactory()
    for d in deadlines:
        factories.TaskFactory(department=dept, deadline=d)
    sql = dict(Task.objects.annotate(n=days_overdue_expr(today)).values_list("deadline", "n"))
    mismatches = {
        d: (sql[d], calendar.working_days_after(d, today))
        for d in deadlines
        if sql[d] != calendar.working_days_after(d, today)
    }
    assert mismatches == {}
    assert sql[D(2026, 7, 1)] == 1 and sql[D(2026, 6, 2)] == 21  # 06-03 off, Saturday 06-06 worked


@pytest.mark.django_db
def test_task_annotation_and_python_days_overdue_agree():
    today = D(2026, 10, 9)
    task = factories.TaskFactory(deadline=D(2026, 9, 30), status=TaskStatus.IN_PROGRESS)
    done = factories.TaskFactory(deadline=D(2026, 9, 30), status=TaskStatus.FINISHED)
    rows = dict(task_annotate(Task.objects.all(), today).values_list("pk", "days_overdue"))
    assert rows == {task.pk: 2, done.pk: 0}  # 10-01..10-07 国庆 are not counted
    assert days_overdue(task, today) == 2 and days_overdue(done, today) == 0


# --- The yellow light counts working days, in Python and SQL alike ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "deadline", "expected"),
    [
        # 2 working days before the deadline, across the 国庆 break: calendar days would say 9.
        (D(2026, 9, 30), D(2026, 10, 9), Light.YELLOW),
        (D(2026, 9, 30), D(2026, 10, 12), Light.YELLOW),  # 4 working days (10-10, a 调休 Saturday, counts)
        (D(2026, 9, 14), D(2026, 10, 12), Light.GREEN),  # 16 working days (28 calendar days)
        (D(2026, 9, 15), D(2026, 10, 12), Light.YELLOW),  # 15 working days (27 calendar days)
    ],
)
def test_yellow_window_is_working_days_in_python_and_sql(settings, today, deadline, expected):
    n = calendar.working_days_after(today, deadline)
    assert n in (2, 4, 15, 16)
    settings.DUBAN = {**settings.DUBAN, "LIGHT_YELLOW_DAYS": 15}
    task = factories.TaskFactory(deadline=deadline, percent=100, status=TaskStatus.IN_PROGRESS)
    assert task_light(task, today) == expected
    assert annotate_light(Task.objects.filter(pk=task.pk), today).get().light == expected


@pytest.mark.django_db
def test_an_override_moves_the_yellow_threshold_for_both(settings):
    settings.DUBAN = {**settings.DUBAN, "LIGHT_YELLOW_DAYS": 1}
    today, deadline = D(2026, 7, 6), D(2026, 7, 8)  # Monday → Wednesday: 2 working days, green
    task = factories.TaskFactory(deadline=deadline, percent=100, status=TaskStatus.IN_PROGRESS)
    assert (task_light(task, today), due_soon_until(today)) == (Light.GREEN, D(2026, 7, 7))
    CalendarDay.objects.create(date=D(2026, 7, 7), is_working=False)
    assert due_soon_until(today) == D(2026, 7, 8)
    assert task_light(task, today) == Light.YELLOW
    assert annotate_light(Task.objects.filter(pk=task.pk), today).get().light == Light.YELLOW


@pytest.mark.django_db
def test_dashboard_due_soon_counts_working_days(staff, settings):
    settings.DUBAN = {**settings.DUBAN, "LIGHT_YELLOW_DAYS": 3}
    soon = factories.TaskFactory(department=staff.department, deadline=D(2026, 10, 9), status=TaskStatus.ACCEPTED)
    factories.TaskFactory(department=staff.department, deadline=D(2026, 10, 13), status=TaskStatus.ACCEPTED)
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC), tick=False):
        counts = dashboard_department(user=staff)["counts"]
    # 10-09 is 2 working days after 09-30; 10-13 is 5 (10-08, 10-09, 10-10 调休, 10-12, 10-13).
    assert calendar.working_days_after(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert counts["due_soon"] == 1
    assert soon.deadline <= calendar.within_working_days_limit(D(2026, 9, 30), 3) < D(2026, 10, 13)
