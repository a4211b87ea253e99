"""Derived progress: reporting periods, lead-task roll-up and target completion. Pure rules, no writes.

- `period_key(cycle, day)`: the reporting period a date falls in (2026-11, 2026-Q4, 2026-H2, 2026).
- `report_missing_annotation(today)`: per task, "no report yet for the current period" as an SQL expression.
- `rollup_percent(...)` / `rollup_annotation()`: a lead task's progress is the average of its measure's
  responsible tasks (finished counts as 100, cancelled ones are left out); weights default to 1.
- `target_completion(...)`: actual vs target honouring the comparator (以上 / 左右 / 以内 / 不低于).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from common.expressions import CompiledOnce

from .models import Comparator, ProgressReport, ReportingCycle, Task, TaskRole, TaskStatus

# Statuses for which a periodic report is expected.
REPORTING_STATUSES = (
    TaskStatus.ASSIGNED,
    TaskStatus.ACCEPTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.RETURNED,
)


# --- Reporting periods ---


def period_key(cycle: str, day: dt.date) -> str:
    """The key of the reporting period containing `day` ("" for documents without a cycle)."""
    if cycle == ReportingCycle.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if cycle == ReportingCycle.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if cycle == ReportingCycle.SEMIANNUAL:
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if cycle == ReportingCycle.ANNUAL:
        return f"{day.year}"
    return ""


def current_period_keys(today: dt.date) -> dict[str, str]:
    """cycle → current period key, for every cycle that has one."""
    return {c.value: period_key(c.value, today) for c in ReportingCycle if c.value}


def period_key_annotation(today: dt.date, prefix: str = "") -> Case:
    """The current period key of each task's document cycle, as an SQL CASE."""
    cycle_field = f"{prefix}measure__document__reporting_cycle"
    return Case(
        *[When(**{cycle_field: cycle}, then=Value(key)) for cycle, key in current_period_keys(today).items()],
        default=Value(""),
        output_field=CharField(),
    )


def report_missing_annotation(today: dt.date) -> Case:
    """True when an open task of a document with a cycle has no report for the current period.

    Needs `_period_key` annotated first (see `annotate_report_missing`).
    """
    has_report = Exists(ProgressReport.objects.filter(task_id=OuterRef("pk"), period=OuterRef("_period_key")))
    return Case(
        When(Q(_period_key="") | ~Q(status__in=REPORTING_STATUSES), then=Value(False)),
        When(has_report, then=Value(False)),
        default=Value(True),
    )


def annotate_report_missing(qs, today: dt.date):  # type: ignore[no-untyped-def]
    """Add `_period_key` and `report_missing` to a Task queryset."""
    return qs.alias(_period_key=period_key_annotation(today)).annotate(
        report_missing=CompiledOnce(report_missing_annotation(today))
    )


def report_missing(task: Task, today: dt.date, reported_periods: Iterable[str]) -> bool:
    """The Python twin of `report_missing_annotation` (for one task and the periods it reported)."""
    if task.status not in REPORTING_STATUSES:
        return False
    key = period_key(task.measure.document.reporting_cycle, today)
    return bool(key) and key not in set(reported_periods)


# --- Lead task roll-up ---


def rollup_percent(responsible: Iterable[tuple[str, int]], weights: Iterable[float] | None = None) -> int | None:
    """Weighted average of (status, percent) pairs; finished counts 100, cancelled is skipped. None if empty."""
    pairs = list(responsible)
    ws = list(weights) if weights is not None else [1.0] * len(pairs)
    total_w = 0.0
    acc = 0.0
    for (status, percent), w in zip(pairs, ws, strict=True):
        if status == TaskStatus.CANCELLED:
            continue
        acc += w * (100 if status == TaskStatus.FINISHED else percent)
        total_w += w
    if total_w == 0:
        return None
    return round(acc / total_w)


def rollup_annotation() -> Case:
    """A lead task's roll-up percent (equal weights) as a subquery; its own percent if no responsible task."""
    effective = Case(
        When(status=TaskStatus.FINISHED, then=Value(100)), default=F("percent"), output_field=IntegerField()
    )
    avg = Subquery(
        Task.objects.filter(measure_id=OuterRef("measure_id"), role=TaskRole.RESPONSIBLE)
        .exclude(status=TaskStatus.CANCELLED)
        .order_by()
        .values("measure_id")
        .annotate(a=Avg(effective, output_field=FloatField()))
        .values("a"),
        output_field=FloatField(),
    )
    return Case(
        When(role=TaskRole.LEAD, then=Coalesce(avg, Cast("percent", FloatField()))),
        default=Cast("percent", FloatField()),
        output_field=FloatField(),
    )


# --- Targets ---


# 左右: within this share of the target counts as met.
ABOUT_TOLERANCE = Decimal("0.05")


@dataclass(frozen=True)
class TargetCompletion:
    """How far an actual value is towards a target: `ratio` in [0, 1] and whether the target is met."""

    ratio: Decimal
    met: bool

    @property
    def percent(self) -> int:
        return int((self.ratio * 100).to_integral_value())


def target_completion(*, comparator: str, target: Decimal, actual: Decimal) -> TargetCompletion:
    """Completion of `actual` against `target` under `comparator`.

    以上/不低于/超过/达到: actual / target (capped at 1). 以内: met while actual ≤ target, else target / actual.
    左右: met within ±5 %; the ratio falls with the relative distance from the target.
    """
    target = Decimal(target)
    actual = Decimal(actual)
    one = Decimal(1)
    if comparator == Comparator.AT_MOST:
        if actual <= target:
            return TargetCompletion(one, True)
        return TargetCompletion(max(Decimal(0), target / actual) if actual else Decimal(0), False)
    if target == 0:
        return TargetCompletion(one, actual >= 0)
    if comparator == Comparator.ABOUT:
        distance = abs(actual - target) / abs(target)
        return TargetCompletion(max(Decimal(0), one - distance), distance <= ABOUT_TOLERANCE)
    ratio = actual / target
    if comparator == Comparator.MORE_THAN:
        met = actual > target
    else:  # AT_LEAST, EQUAL
        met = actual >= target
    return TargetCompletion(min(one, max(Decimal(0), ratio)), met)
