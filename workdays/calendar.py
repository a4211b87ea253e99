"""The ONE place that says whether a date is a working day (工作日). Every day count in duban comes from here.

A date is a working day by, in this order:
1. an admin override (workdays.models.CalendarDay: 调休上班日 not yet in the package data, local holidays);
2. chinese_calendar (statutory holidays and 调休 as published by the State Council), for the years its data
   covers (`covered_years()`); it raises NotImplementedError for any other year;
3. Monday–Friday, for years chinese_calendar has no data for (`fallback_years()`), with a warning in the log.

Overrides are read from the database once and cached per process. A save or delete in this process
invalidates the cache at once (signals.py); other processes (web workers, Celery) reload the table after
settings.WORKDAYS_REFRESH_SECONDS (default 300; None: only on save/delete in the same process, as in tests).
Every derived cache below is cleared whenever the overrides change.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import chinese_calendar
from chinese_calendar import constants as _cc_data
from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)
DEFAULT_REFRESH_SECONDS = 300

F = TypeVar("F", bound=Callable[..., Any])

# --- Overrides (CalendarDay), cached per process ---

_lock = threading.Lock()
_overrides: dict[dt.date, bool] | None = None
_loaded_at = 0.0
_derived: list[Any] = []  # the lru caches below, cleared when the overrides change


def _derived_cache(maxsize: int) -> Callable[[F], F]:
    """functools.lru_cache, registered so that invalidate() and a changed override table clear it."""

    def wrap(func: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(func)
        _derived.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def _clear_derived() -> None:
    for cached in _derived:
        cached.cache_clear()


def _refresh_seconds() -> float | None:
    return getattr(settings, "WORKDAYS_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS)


def _load() -> dict[dt.date, bool]:
    from .models import CalendarDay

    try:
        return dict(CalendarDay.objects.values_list("date", "is_working"))
    except (DatabaseError, RuntimeError):
        # No database here (pure-function tests, a command before `migrate`): the built-in calendar alone.
        return {}


def overrides() -> Mapping[dt.date, bool]:
    """Date → is_working of the admin overrides (cached; reloaded after the refresh interval)."""
    global _overrides, _loaded_at
    refresh = _refresh_seconds()
    now = time.monotonic()
    current = _overrides
    if current is not None and (refresh is None or now - _loaded_at < refresh):
        return current
    with _lock:
        fresh = _load()
        if fresh != _overrides:
            _clear_derived()
        _overrides, _loaded_at = fresh, now
        return fresh


def invalidate() -> None:
    """Forget the cached overrides and everything computed from them (called on CalendarDay save/delete)."""
    global _overrides
    with _lock:
        _overrides = None
        _clear_derived()


def set_overrides_for_tests(values: Mapping[dt.date, bool]) -> None:
    """Install `values` as the loaded overrides without a query (test teardown after a rolled-back save)."""
    global _overrides, _loaded_at
    with _lock:
        _overrides, _loaded_at = dict(values), time.monotonic()
        _clear_derived()


# --- The built-in calendar (chinese_calendar, then Monday–Friday) ---


def covered_years() -> range:
    """The years the installed chinese_calendar has holiday data for (e.g. range(2004, 2027))."""
    years = [d.year for d in _cc_data.holidays] + [d.year for d in _cc_data.workdays]
    return range(min(years), max(years) + 1)


def fallback_years(years: Iterable[int]) -> list[int]:
    """Those of `years` without chinese_calendar data: there working days are Monday–Friday (plus overrides)."""
    covered = covered_years()
    return sorted({y for y in years if y not in covered})


@functools.lru_cache(maxsize=64)
def _warn_fallback(year: int) -> None:
    logger.warning("chinese_calendar 不含 %s 年节假日数据，按周一至周五计算工作日（可在后台“工作日调整”补录）。", year)


@functools.lru_cache(maxsize=16384)
def builtin_is_working_day(day: dt.date) -> bool:
    """chinese_calendar's answer, or Monday–Friday for a year it has no data for (no overrides)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_fallback(day.year)
        return day.weekday() < 5


# --- Public API ---


def is_working_day(day: dt.date) -> bool:
    """True on a working day: override, else chinese_calendar (调休 Saturdays count), else Monday–Friday."""
    found = overrides().get(day)
    return builtin_is_working_day(day) if found is None else found


@_derived_cache(maxsize=8192)
def _last_working_day_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def last_working_day_on_or_before(day: dt.date) -> dt.date:
    """`day` if it is a working day, else the closest earlier working day."""
    overrides()
    return _last_working_day_on_or_before(day)


@_derived_cache(maxsize=65536)
def _working_days_before(day: dt.date, n: int) -> dt.date:
    current = _last_working_day_on_or_before(day)
    for _ in range(n):
        current = _last_working_day_on_or_before(current - ONE_DAY)
    return current


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The date of "n working days before `day`": n=0 is the last working day on or before `day`."""
    overrides()
    return _working_days_before(day, n)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n ≥ 1); `day` itself for n ≤ 0."""
    overrides()
    current = day
    for _ in range(n):
        current += ONE_DAY
        while not is_working_day(current):
            current += ONE_DAY
    return current


@_derived_cache(maxsize=65536)
def _working_days_after(start: dt.date, end: dt.date) -> int:
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


def working_days_after(start: dt.date, end: dt.date) -> int:
    """How many working days lie in (start, end]; 0 when end ≤ start. "逾期 N 个工作日" = (deadline, today]."""
    overrides()
    return _working_days_after(start, end)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`, counted like working_days_after: (start, end]; negative if end < start."""
    if end < start:
        return -working_days_after(end, start)
    return working_days_after(start, end)


def within_working_days_limit(today: dt.date, n: int) -> dt.date:
    """The last date whose distance from `today` is at most n working days: a deadline d is "due within n
    working days" iff d ≤ this date (it is the day before the (n+1)-th working day after today)."""
    return add_working_days(today, max(n, 0) + 1) - ONE_DAY


# --- For SQL: where the calendar differs from Monday–Friday ---


@_derived_cache(maxsize=32)
def _exceptions_through(day: dt.date) -> tuple[tuple[dt.date, int], ...]:
    dates = {d for d in _cc_data.holidays if d <= day} | {d for d in _cc_data.workdays if d <= day}
    dates |= {d for d in overrides() if d <= day}
    out = []
    for d in sorted(dates):
        weekday_rule = d.weekday() < 5
        actual = is_working_day(d)
        if actual != weekday_rule:
            out.append((d, 1 if actual else -1))
    return tuple(out)


def exceptions_through(day: dt.date) -> tuple[tuple[dt.date, int], ...]:
    """(date, +1 | -1) for every date ≤ `day` that is a working day on a weekend (+1) or a day off on a
    weekday (−1), oldest first. Counting Monday–Friday and adding these gives the working days (SQL uses it)."""
    overrides()
    return _exceptions_through(day)
