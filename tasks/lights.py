"""Derived task state: overdue and the traffic light (红黄绿灯). Never stored, except as period snapshots.

A task is overdue when its deadline is before today in Asia/Shanghai and it is neither
finished nor cancelled. `overdue_q(today)` is the same rule for querysets.

Day counts shown to people (逾期 N 天, 即将到期 N 天内, the yellow light's window) are WORKING days from
workdays.calendar (调休, admin overrides, Monday–Friday for years without holiday data). Only the 序时进度
ratio (time elapsed since assignment / time allowed) stays in calendar days.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    DateField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Least, TruncDate
from django.utils import timezone

from common.dates import local_today
from common.expressions import CompiledOnce
from workdays import calendar as workdays

from .models import CLOSED_STATUSES, Light, LightSnapshot, Task, TaskStatus


def is_overdue(task: Task, today: dt.date | None = None) -> bool:
    """True when the deadline has passed (Beijing date) and the task is still open."""
    today = today or local_today()
    return task.deadline is not None and task.deadline < today and task.status not in CLOSED_STATUSES


def days_overdue(task: Task, today: dt.date | None = None) -> int:
    """Working days past the deadline, i.e. in (deadline, today] (0 when not overdue); SQL: days_overdue_expr."""
    today = today or local_today()
    if not is_overdue(task, today) or task.deadline is None:
        return 0
    return workdays.working_days_after(task.deadline, today)


def due_soon_until(today: dt.date | None = None) -> dt.date:
    """The last deadline that is "due within LIGHT_YELLOW_DAYS working days" of today (yellow light window)."""
    return workdays.within_working_days_limit(today or local_today(), light_thresholds()[0])


def overdue_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """The overdue rule as a filter; `prefix` for use through a relation (e.g. "tasks__")."""
    today = today or local_today()
    return Q(**{f"{prefix}deadline__lt": today}) & ~Q(**{f"{prefix}status__in": list(CLOSED_STATUSES)})


# --- Traffic light ---
#
# red:    overdue, or behind the time-elapsed schedule (序时进度) by more than LIGHT_RED_BEHIND points;
# yellow: due within LIGHT_YELLOW_DAYS WORKING days (deadline ≤ due_soon_until(today), a date computed
#         in Python from workdays.calendar, so SQL and Python compare the same date) and not yet submitted,
#         or behind by LIGHT_YELLOW_BEHIND to LIGHT_RED_BEHIND points;
# none:   no deadline and not yet signed (待签收): nothing to measure yet, shown gray, counted in no colour;
# green:  otherwise. Finished and cancelled tasks show their terminal colour.
# 序时进度 = days elapsed since the task was assigned (Beijing date) / days from assignment to deadline.
# The Python function and the SQL annotation compute the same integers (no division, no floats),
# so a row's light never depends on which one computed it.


def light_thresholds() -> tuple[int, int, int]:
    """(yellow working days, yellow behind points, red behind points) from settings.DUBAN."""
    cfg = settings.DUBAN
    return cfg["LIGHT_YELLOW_DAYS"], cfg["LIGHT_YELLOW_BEHIND"], cfg["LIGHT_RED_BEHIND"]


def assigned_date(task: Task) -> dt.date:
    """The Beijing calendar date the task was assigned on."""
    return timezone.localdate(task.assigned_at) if task.assigned_at else local_today()


def expected_percent(task: Task, today: dt.date | None = None) -> int | None:
    """序时进度: the percent the task should be at today if work were spread evenly (None: no deadline)."""
    today = today or local_today()
    if task.deadline is None:
        return None
    total = (task.deadline - assigned_date(task)).days
    if total <= 0:
        return 100
    elapsed = (today - assigned_date(task)).days
    return max(0, min(100, round(100 * elapsed / total)))


def _behind_more_than(points: int, *, percent: int, elapsed: int, total: int) -> bool:
    # expected - percent > points, with expected = 100 * elapsed / total, multiplied out by total > 0.
    if total <= 0:
        return 100 - percent > points
    return 100 * elapsed - percent * total > points * total


def task_light(task: Task, today: dt.date | None = None) -> str:
    """The traffic light of one task today (Beijing date)."""
    today = today or local_today()
    if task.status == TaskStatus.FINISHED:
        return Light.FINISHED
    if task.status == TaskStatus.CANCELLED:
        return Light.CANCELLED
    if task.deadline is None:
        return Light.NONE if task.status == TaskStatus.ASSIGNED else Light.GREEN
    _, yellow_behind, red_behind = light_thresholds()
    if is_overdue(task, today):
        return Light.RED
    start = assigned_date(task)
    total = (task.deadline - start).days
    elapsed = (today - start).days
    if _behind_more_than(red_behind, percent=task.percent, elapsed=elapsed, total=total):
        return Light.RED
    if task.deadline <= due_soon_until(today) and task.status != TaskStatus.SUBMITTED:
        return Light.YELLOW
    if _behind_more_than(yellow_behind - 1, percent=task.percent, elapsed=elapsed, total=total):
        return Light.YELLOW
    return Light.GREEN


class DaysBetween(Func):
    """Whole days from `rhs` to `lhs` (both dates), on SQLite and PostgreSQL."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler, connection, template="((%(expressions)s))::integer", arg_joiner=")::date - (",
            **extra_context,
        )


# Zones whose UTC offset never changes after this instant get a native SQLite expression (below).
_FIXED_OFFSET_SINCE = dt.datetime(1992, 1, 1)  # noqa: DTZ001 — compared with SQLite's naive UTC text


@functools.cache
def _fixed_utc_offset(tzname: str) -> int | None:
    """Seconds east of UTC if `tzname` keeps one offset from 1992 to 2100 (Asia/Shanghai: +28800), else None."""
    try:
        tz = zoneinfo.ZoneInfo(tzname)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    offsets = {
        tz.utcoffset(dt.datetime(year, month, 1))  # noqa: DTZ001 — probing the zone's rules
        for year in range(_FIXED_OFFSET_SINCE.year, 2101)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return int(offset.total_seconds()) if offset is not None else None


class LocalDate(TruncDate):
    """TruncDate (the calendar date in the default time zone) that SQLite computes natively.

    Django's SQLite TruncDate calls a Python function per row and per occurrence (`django_datetime_cast_date`);
    the light expression uses the assigned date up to eight times per row, which made the progress aggregates
    slow on SQLite. For a zone with a fixed offset since 1992 (Asia/Shanghai), `date(x, '+28800 seconds')`
    is the same date; earlier values (and zones with DST) still take Django's path.
    """

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        tzname = self.get_tzname()
        offset = _fixed_utc_offset(tzname) if tzname else None
        fallback, fallback_params = self.as_sql(compiler, connection)
        if offset is None:
            return fallback, fallback_params
        lhs, lhs_params = compiler.compile(self.lhs)
        sql = f"(CASE WHEN {lhs} >= %s THEN date({lhs}, %s) ELSE {fallback} END)"
        params = (*lhs_params, _FIXED_OFFSET_SINCE.isoformat(" "), *lhs_params, f"{offset:+d} seconds",
                  *fallback_params)
        return sql, params


def expression_inputs(today: dt.date) -> tuple[Any, ...]:
    """Everything the SQL of annotate_light and days_overdue_annotation depends on for `today`: the thresholds,
    the yellow window's end and the calendar's exceptions. Equal inputs give the same SQL (selectors caches on it)."""
    return (today, light_thresholds(), due_soon_until(today), workdays.exceptions_through(today),
            timezone.get_default_timezone_name())


def annotate_light(qs: QuerySet[Task], today: dt.date | None = None) -> QuerySet[Task]:
    """Add `light` to a Task queryset (helpers `_total_days`, `_elapsed_days`, `_pace_gap` as aliases); same rule
    as task_light."""
    today = today or local_today()
    _, yellow_behind, red_behind = light_thresholds()
    start = LocalDate("assigned_at", tzinfo=timezone.get_default_timezone())
    # Helpers are aliases (inlined where used, never selected): fewer columns to compile, send and convert.
    qs = qs.alias(
        _total_days=DaysBetween(F("deadline"), start),
        _elapsed_days=DaysBetween(Value(today, output_field=DateField()), start),
    ).alias(
        _pace_gap=ExpressionWrapper(
            100 * F("_elapsed_days") - F("percent") * F("_total_days"), output_field=IntegerField()
        ),
    )

    def behind_more_than(points: int) -> Q:
        return (Q(_total_days__lte=0) & Q(percent__lt=100 - points)) | (
            Q(_total_days__gt=0) & Q(_pace_gap__gt=F("_total_days") * points)
        )

    light = Case(
        When(status=TaskStatus.FINISHED, then=Value(Light.FINISHED.value)),
        When(status=TaskStatus.CANCELLED, then=Value(Light.CANCELLED.value)),
        When(deadline__isnull=True, status=TaskStatus.ASSIGNED, then=Value(Light.NONE.value)),
        When(deadline__isnull=True, then=Value(Light.GREEN.value)),
        When(deadline__lt=today, then=Value(Light.RED.value)),
        When(behind_more_than(red_behind), then=Value(Light.RED.value)),
        When(
            Q(deadline__lte=due_soon_until(today)) & ~Q(status=TaskStatus.SUBMITTED),
            then=Value(Light.YELLOW.value),
        ),
        When(behind_more_than(yellow_behind - 1), then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
        output_field=CharField(),
    )
    return qs.annotate(light=CompiledOnce(light))


# --- Working days overdue, in SQL ---

_WEEK_EPOCH = dt.date(1900, 1, 1)  # a Monday, before any deadline


def _weekdays_through(day: dt.date) -> int:
    """How many Mondays–Fridays lie in [_WEEK_EPOCH, day]; the SQL below computes the same for a column."""
    n = (day - _WEEK_EPOCH).days
    return 5 * (n // 7) + min(n % 7 + 1, 5)


class _DatesAfter(Expression):
    """How many of `dates` (a fixed list, ≤ today) lie after the row's date expression: one parameter, not a
    CASE per date. SQLite reads the list as JSON (json_each), PostgreSQL as a date[] (unnest)."""

    output_field = IntegerField()

    def __init__(self, expression: Any, dates: Iterable[dt.date]) -> None:
        super().__init__()
        self.expression = expression
        self.dates = tuple(dates)

    def get_source_expressions(self) -> list[Any]:
        return [self.expression]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.expression,) = exprs

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.expression)
        dates = json.dumps([d.isoformat() for d in self.dates])
        return f"(SELECT COUNT(*) FROM json_each(%s) WHERE json_each.value > {sql})", (dates, *params)

    @functools.cached_property
    def _pg_array(self) -> str:
        # The array as one text literal: psycopg adapts one string instead of ~500 dates per execution.
        return "{" + ",".join(d.isoformat() for d in self.dates) + "}"

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.expression)
        return f"(SELECT COUNT(*)::integer FROM unnest(%s::date[]) AS _d(day) WHERE _d.day > {sql})", (
            self._pg_array, *params,
        )

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        # Other databases: a sum of comparisons (correct, longer SQL).
        sql, params = compiler.compile(self.expression)
        if not self.dates:
            return "0", ()
        parts = " + ".join(f"(CASE WHEN %s > {sql} THEN 1 ELSE 0 END)" for _ in self.dates)
        return f"({parts})", tuple(p for d in self.dates for p in (d, *params))


def days_overdue_expr(today: dt.date, field: str = "deadline") -> Any:
    """SQL for workdays.calendar.working_days_after(`field`, today) for dates before today (no extra query).

    = Mondays–Fridays in (field, today], by integer arithmetic on the day number, plus the calendar's
    exceptions in (field, today]: + the 调休 weekends worked, − the weekdays off (holidays, overrides), each
    counted by _DatesAfter over the list from workdays.calendar.exceptions_through(today). Correct for every
    date after 1900; use it only where `field` < today (days_overdue_annotation guards it with overdue_q).
    """
    n = DaysBetween(F(field), Value(_WEEK_EPOCH, output_field=DateField()))
    weeks = ExpressionWrapper(n / Value(7), output_field=IntegerField())
    rest = ExpressionWrapper(n - weeks * Value(7) + Value(1), output_field=IntegerField())
    weekdays_upto_field = ExpressionWrapper(Value(5) * weeks + Least(rest, Value(5)), output_field=IntegerField())
    exceptions = workdays.exceptions_through(today)
    worked = [day for day, delta in exceptions if delta > 0]
    off = [day for day, delta in exceptions if delta < 0]
    return ExpressionWrapper(
        Value(_weekdays_through(today)) - weekdays_upto_field + _DatesAfter(F(field), worked)
        - _DatesAfter(F(field), off),
        output_field=IntegerField(),
    )


def days_overdue_annotation(today: dt.date | None = None) -> Case:
    """The `days_overdue` annotation: working days past the deadline, 0 when not overdue (same as days_overdue)."""
    today = today or local_today()
    return Case(
        When(overdue_q(today), then=days_overdue_expr(today)),
        default=Value(0),
        output_field=IntegerField(),
    )


# --- Snapshots ---


def light_snapshot_take(*, period: str, today: dt.date | None = None) -> int:
    """Record every task's light for `period` once (re-running is harmless); returns rows created."""
    today = today or local_today()
    existing = set(LightSnapshot.objects.filter(period=period).values_list("task_id", flat=True))
    rows = [
        LightSnapshot(
            task_id=task.pk,
            period=period,
            light=task_light(task, today),
            percent=task.percent,
            expected_percent=expected_percent(task, today),
        )
        for task in Task.objects.exclude(pk__in=existing).only(
            "id", "status", "deadline", "percent", "assigned_at"
        ).iterator(chunk_size=2000)
    ]
    with transaction.atomic():
        LightSnapshot.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)
