"""Assessment periods: month 2026-05, quarter 2026-Q2, year 2026 (Beijing dates)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from common.errors import DomainError

from .models import PeriodKind

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    key: str
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年度"

    def start_dt(self) -> dt.datetime:
        """The first instant of the period (Beijing time)."""
        return _local_midnight(self.start)

    def end_dt(self) -> dt.datetime:
        """The first instant AFTER the period (exclusive bound)."""
        return _local_midnight(self.end + dt.timedelta(days=1))


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def parse_period(key: str) -> Period:
    """2026-05 → May 2026; 2026-Q2 → April–June; 2026 → the year. DomainError for anything else."""
    key = (key or "").strip().upper()
    if m := _MONTH.match(key):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DomainError(f"周期“{key}”的月份不正确。", code="bad_period")
        last = calendar.monthrange(year, month)[1]
        return Period(key, PeriodKind.MONTH, dt.date(year, month, 1), dt.date(year, month, last))
    if m := _QUARTER.match(key):
        year, q = int(m[1]), int(m[2])
        first = 3 * (q - 1) + 1
        last_month = first + 2
        end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return Period(key, PeriodKind.QUARTER, dt.date(year, first, 1), end)
    if m := _YEAR.match(key):
        year = int(m[1])
        return Period(key, PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))
    raise DomainError(f"周期“{key}”格式不正确，应为 2026-05、2026-Q2 或 2026。", code="bad_period")


def month_of(day: dt.date) -> Period:
    return parse_period(f"{day.year}-{day.month:02d}")


def previous_month(day: dt.date) -> Period:
    return month_of(day.replace(day=1) - dt.timedelta(days=1))


def periods_ending_before(day: dt.date) -> list[Period]:
    """The periods that ended on the day before `day` (the month, and on quarter/year ends those too)."""
    yesterday = day - dt.timedelta(days=1)
    out: list[Period] = []
    if day.day == 1:
        out.append(month_of(yesterday))
        if yesterday.month % 3 == 0:
            out.append(parse_period(f"{yesterday.year}-Q{yesterday.month // 3}"))
        if yesterday.month == 12:
            out.append(parse_period(str(yesterday.year)))
    return out
