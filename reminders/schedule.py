"""Working days by the Chinese holiday calendar (调休 included), and reporting periods. Pure: no ORM.

`chinese_calendar` only knows the years the State Council has published; for any other year
it raises NotImplementedError and we fall back to Monday–Friday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=8192)
def is_working_day(day: dt.date) -> bool:
    """True on a Chinese working day (调休 Saturdays count; statutory holidays don't)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_fallback(day.year)
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _warn_fallback(year: int) -> None:
    logger.warning("chinese_calendar 不含 %s 年节假日数据，按周一至周五计算工作日。", year)


@lru_cache(maxsize=8192)
def last_working_day_on_or_before(day: dt.date) -> dt.date:
    """`day` if it is a working day, else the closest earlier working day."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


@lru_cache(maxsize=65536)
def working_days_before(day: dt.date, n: int) -> dt.date:
    """The date of "n working days before `day`": n=0 is the last working day on or before `day`."""
    current = last_working_day_on_or_before(day)
    for _ in range(n):
        current = last_working_day_on_or_before(current - ONE_DAY)
    return current


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n ≥ 1)."""
    current = day
    for _ in range(n):
        current += ONE_DAY
        while not is_working_day(current):
            current += ONE_DAY
    return current


@lru_cache(maxsize=65536)
def working_days_after(start: dt.date, end: dt.date) -> int:
    """How many working days lie in (start, end]; 0 when end ≤ start."""
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


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
