"""Reporting periods and quiet hours; the working-day functions are re-exported from workdays.calendar.

Working days (调休 included, admin overrides first, Monday–Friday for years chinese_calendar has no data
for) are decided in ONE place, workdays/calendar.py; the names below stay so reminders code keeps importing
them from here.
"""

from __future__ import annotations

import calendar
import datetime as dt

from workdays.calendar import (
    ONE_DAY,
    add_working_days,
    is_working_day,
    last_working_day_on_or_before,
    working_days_after,
    working_days_before,
)

__all__ = [
    "ONE_DAY",
    "add_working_days",
    "current_period",
    "in_quiet_hours",
    "is_working_day",
    "last_working_day_on_or_before",
    "next_allowed",
    "nth_working_day_after",
    "period_key",
    "working_days_after",
    "working_days_before",
]


def nth_working_day_after(start: dt.date, n: int) -> dt.date:
    """The date of the n-th working day after `start` (n ≥ 1)."""
    return add_working_days(start, n)


# --- Reporting periods (PolicyDocument.reporting_cycle + reporting_day) ---

_CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def period_key(cycle: str, year: int, end_month: int) -> str:
    """The ProgressReport.period label of the period ending in `end_month` (2026-11, 2026-Q4, 2026-H2, 2026).

    The labels themselves are defined once, in tasks.progress.period_key.
    """
    from tasks.progress import period_key as label_of_period_containing

    return label_of_period_containing(cycle, dt.date(year, end_month, 1))


def _close_date(year: int, month: int, reporting_day: int) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(max(reporting_day, 1), last))


def current_period(cycle: str, reporting_day: int, today: dt.date) -> tuple[str, dt.date] | None:
    """The first reporting period whose report deadline is today or later: (period key, close date).

    A monthly cycle with reporting_day 28 on 2026-11-29 gives ("2026-12", 2026-12-28). None: no cycle.
    """
    step = _CYCLE_MONTHS.get(cycle or "")
    if step is None:
        return None
    year = today.year
    end_month = ((today.month - 1) // step + 1) * step  # last month of the period containing today
    close = _close_date(year, end_month, reporting_day)
    if close < today:
        end_month += step
        if end_month > 12:
            year, end_month = year + 1, end_month - 12
        close = _close_date(year, end_month, reporting_day)
    return period_key(cycle, year, end_month), close


# --- Quiet hours ---


def in_quiet_hours(moment: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """True when `moment` falls in [start, end), which may wrap past midnight (22:00–07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def next_allowed(local_moment: dt.datetime, start: dt.time | None, end: dt.time | None) -> dt.datetime:
    """`local_moment` itself, or the end of the quiet period it falls in (aware, same time zone)."""
    if not in_quiet_hours(local_moment.timetz().replace(tzinfo=None), start, end):
        return local_moment
    assert end is not None
    candidate = local_moment.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local_moment:
        candidate += ONE_DAY
    return candidate
