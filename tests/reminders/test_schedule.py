"""Working days (Chinese calendar with 调休), reporting periods and quiet hours: pure functions, no database."""

from __future__ import annotations

import datetime as dt

from reminders import schedule

D = dt.date


def test_chinese_holidays_and_adjusted_working_days():
    assert schedule.is_working_day(D(2026, 10, 1)) is False  # 国庆, a Thursday
    assert schedule.is_working_day(D(2026, 10, 10)) is True  # 调休: a Saturday worked
    assert schedule.is_working_day(D(2026, 10, 11)) is False  # plain Sunday
    assert schedule.is_working_day(D(2026, 10, 9)) is True


def test_working_days_before_skips_the_national_day_break_and_counts_the_saturday():
    deadline = D(2026, 10, 12)  # Monday
    assert schedule.working_days_before(deadline, 0) == D(2026, 10, 12)
    assert schedule.working_days_before(deadline, 1) == D(2026, 10, 10)  # the 调休 Saturday
    assert schedule.working_days_before(deadline, 3) == D(2026, 10, 8)
    assert schedule.working_days_before(deadline, 4) == D(2026, 9, 30)  # 10-01..10-07 are holidays
    # 09-25 (中秋) and the weekend 09-26/27 are off, so the 7th working day back is 09-24.
    assert schedule.working_days_before(deadline, 7) == D(2026, 9, 24)


def test_deadline_on_a_holiday_anchors_to_the_last_working_day_before_it():
    assert schedule.working_days_before(D(2026, 10, 4), 0) == D(2026, 9, 30)


def test_years_without_calendar_data_fall_back_to_monday_to_friday():
    assert schedule.is_working_day(D(2035, 1, 1)) is True  # a Monday; no holiday data for 2035
    assert schedule.is_working_day(D(2035, 1, 6)) is False  # Saturday
    assert schedule.working_days_before(D(2035, 1, 8), 1) == D(2035, 1, 5)


def test_working_days_after_counts_only_working_days():
    assert schedule.working_days_after(D(2026, 9, 30), D(2026, 10, 9)) == 2  # 10-08, 10-09
    assert schedule.working_days_after(D(2026, 10, 9), D(2026, 10, 9)) == 0


def test_current_period_monthly_and_quarterly():
    assert schedule.current_period("monthly", 28, D(2026, 11, 20)) == ("2026-11", D(2026, 11, 28))
    assert schedule.current_period("monthly", 28, D(2026, 11, 29)) == ("2026-12", D(2026, 12, 28))
    assert schedule.current_period("monthly", 31, D(2026, 2, 3)) == ("2026-02", D(2026, 2, 28))
    assert schedule.current_period("quarterly", 10, D(2026, 12, 11)) == ("2027-Q1", D(2027, 3, 10))
    assert schedule.current_period("semiannual", 25, D(2026, 3, 1)) == ("2026-H1", D(2026, 6, 25))
    assert schedule.current_period("annual", 15, D(2026, 3, 1)) == ("2026", D(2026, 12, 15))
    assert schedule.current_period("", 28, D(2026, 3, 1)) is None


def test_quiet_hours_wrap_midnight_and_defer_to_their_end():
    start, end = dt.time(22, 0), dt.time(7, 0)
    assert schedule.in_quiet_hours(dt.time(23, 30), start, end)
    assert schedule.in_quiet_hours(dt.time(6, 59), start, end)
    assert not schedule.in_quiet_hours(dt.time(7, 0), start, end)
    assert not schedule.in_quiet_hours(dt.time(21, 59), start, end)
    assert not schedule.in_quiet_hours(dt.time(3, 0), None, None)
    tz = dt.timezone(dt.timedelta(hours=8))
    late = dt.datetime(2026, 10, 9, 23, 30, tzinfo=tz)
    assert schedule.next_allowed(late, start, end) == dt.datetime(2026, 10, 10, 7, 0, tzinfo=tz)
    early = dt.datetime(2026, 10, 10, 5, 0, tzinfo=tz)
    assert schedule.next_allowed(early, start, end) == dt.datetime(2026, 10, 10, 7, 0, tzinfo=tz)
    noon = dt.datetime(2026, 10, 10, 12, 0, tzinfo=tz)
    assert schedule.next_allowed(noon, start, end) == noon
