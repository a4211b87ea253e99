"""Computing a period's scores from the task history, and storing them (replace-in-transaction).

What is counted (docs/assessment.md has the full rules):
- tasks of role 牵头 or 责任 (分解承办 sub-tasks are internal to the department that split them) of
  departments whose kind has a ranking group (assessment.models.KIND_GROUP);
- cancelled tasks and declined tasks waiting for reassignment are not counted at all;
- a reassigned task counts for its current department only, from the reassignment on (改派 resets
  Task.assigned_at; events on the task before it — 催办 sent to the old department — are dropped);
- deadlines are the ORIGINAL deadline (Task.original_deadline, falling back to Task.deadline): an
  approved extension moves reminders and the light, never the assessment date.

Determinism: every event is read with fixed period bounds (Beijing midnight), items are ordered by
(event, time, task, reference), points are Decimals rounded to 0.01, and the period's rows are deleted
and re-inserted in one transaction. With the same history a recompute gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import local_today
from common.errors import DomainError
from tasks.lights import annotate_light
from tasks.models import (
    AuditEvent,
    ExtensionRequest,
    Light,
    LightSnapshot,
    ProgressReport,
    ReportingCycle,
    Task,
    TaskRole,
    TaskStatus,
    Urge,
)
from tasks.progress import period_key
from workdays.calendar import working_days_after

from .models import (
    KIND_GROUP,
    DepartmentScore,
    EventKind,
    RuleRole,
    ScoreItem,
    ScorePeriod,
    ScoreRuleItem,
    ScoreRuleSet,
)
from .periods import Period, _local_midnight, parse_period

SCORED_ROLES = (TaskRole.LEAD, TaskRole.RESPONSIBLE)
NOT_COUNTED_STATUSES = (TaskStatus.CANCELLED, TaskStatus.DECLINED)
CENT = Decimal("0.01")
EVENT_ORDER = {e: k for k, e in enumerate(EventKind)}
ITEM_BATCH = 5000
_EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def eff_deadline() -> Coalesce:
    """The assessment deadline: the original one, else the current one."""
    return Coalesce("original_deadline", "deadline", output_field=DateField())


def counted_tasks_q(prefix: str = "") -> Q:
    """Tasks that take part in assessment (see the module docstring)."""
    return (
        Q(**{f"{prefix}role__in": list(SCORED_ROLES)})
        & Q(**{f"{prefix}department__kind__in": list(KIND_GROUP)})
        & ~Q(**{f"{prefix}status__in": list(NOT_COUNTED_STATUSES)})
    )


def ruleset_for(period: Period) -> ScoreRuleSet:
    """The active rule version in force on the period's last day (latest valid_from wins)."""
    ruleset = (
        ScoreRuleSet.objects.filter(active=True, valid_from__lte=period.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.end))
        .order_by("-valid_from", "-id")
        .first()
    )
    if ruleset is None:
        raise DomainError(f"{period.label}没有生效的考核规则版本，请先在管理后台启用一个规则版本。", code="no_rules")
    return ruleset


@dataclass
class _Rules:
    ruleset: ScoreRuleSet
    items: dict[tuple[str, str], ScoreRuleItem]
    weights: dict[int, Decimal]

    @classmethod
    def load(cls, ruleset: ScoreRuleSet) -> _Rules:
        items = {(i.event, i.role): i for i in ruleset.items.all()}
        weights = {w.document_id: w.weight for w in ruleset.document_weights.all()}
        return cls(ruleset, items, weights)

    def item(self, event: str, task_role: str) -> ScoreRuleItem | None:
        role = RuleRole.LEAD if task_role == TaskRole.LEAD else RuleRole.CO
        return self.items.get((event, role)) or self.items.get((event, RuleRole.ANY))

    def snapshot(self) -> dict[str, Any]:
        rs = self.ruleset
        return {
            "id": rs.pk,
            "name": rs.name,
            "preset": rs.preset,
            "valid_from": rs.valid_from.isoformat(),
            "valid_to": rs.valid_to.isoformat() if rs.valid_to else None,
            "base_score": str(rs.base_score),
            "multiply_by_completion": rs.multiply_by_completion,
            "max_total": None if rs.max_total is None else str(rs.max_total),
            "min_total": None if rs.min_total is None else str(rs.min_total),
            "items": [
                {
                    "event": i.event,
                    "role": i.role,
                    "points": str(i.points),
                    "cap": None if i.cap is None else str(i.cap),
                }
                for i in sorted(self.items.values(), key=lambda i: (i.event, i.role))
            ],
            "document_weights": {str(k): str(v) for k, v in sorted(self.weights.items())},
        }


@dataclass
class _Event:
    department_id: int
    event: str
    task_id: int
    task_role: str
    document_id: int
    ref: str
    at: dt.datetime | None
    explanation: str


@dataclass
class _Dept:
    id: int
    kind: str
    task_count: int = 0
    due: int = 0
    due_finished: int = 0
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0
    lights: dict[str, int] = field(default_factory=dict)


@dataclass
class Result:
    period: ScorePeriod
    departments: int
    items: int


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else "无"


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localdate(value)


class _Computation:
    """One period's computation: collect events, turn them into items, total and rank."""

    def __init__(self, period: Period, as_of: dt.date, rules: _Rules) -> None:
        self.period = period
        self.as_of = as_of
        self.rules = rules
        self.start_dt = period.start_dt()
        self.end_dt = _local_midnight(as_of + dt.timedelta(days=1))  # exclusive
        self.base = Task.objects.filter(counted_tasks_q(), assigned_at__lt=self.end_dt).annotate(
            eff_deadline=eff_deadline()
        )
        self.depts: dict[int, _Dept] = {}
        self.events: list[_Event] = []

    # --- Figures per department ---

    def collect_departments(self) -> None:
        for row in self.base.order_by().values("department_id", "department__kind").annotate(n=Count("id")):
            self.depts[row["department_id"]] = _Dept(row["department_id"], row["department__kind"], row["n"])
        due = self.base.filter(eff_deadline__lte=self.as_of)
        for row in (
            due.order_by()
            .values("department_id")
            .annotate(n=Count("id"), done=Count("id", filter=Q(finished_at__lt=self.end_dt)))
        ):
            d = self.depts[row["department_id"]]
            d.due, d.due_finished = row["n"], row["done"]

    def collect_lights(self) -> str:
        """红黄绿 counts: the month-end snapshot of the period's last month when it exists, else computed
        as of the period's last counted day from the tasks' current state."""
        month_key = f"{self.period.end.year}-{self.period.end.month:02d}"
        snaps = LightSnapshot.objects.filter(period=month_key, task__in=self.base.values("pk"))
        source = "snapshot" if self.as_of == self.period.end and snaps.exists() else "computed"
        rows: Any
        if source == "snapshot":
            rows = snaps.order_by().values("task__department_id", "light").annotate(n=Count("id"))
            key = "task__department_id"
        else:
            rows = (
                annotate_light(self.base, self.as_of)  # type: ignore[misc]  # `light` is annotated
                .order_by()
                .values("department_id", "light")
                .annotate(n=Count("id"))
            )
            key = "department_id"
        for row in rows:
            d = self.depts.get(row[key])
            if d is not None:
                d.lights[row["light"]] = d.lights.get(row["light"], 0) + row["n"]
        return source

    # --- Events ---

    def _add(self, row: dict[str, Any], event: str, ref: str, at: dt.datetime | None, text: str, p: str = "") -> None:
        self.events.append(
            _Event(
                department_id=row[f"{p}department_id"],
                event=event,
                task_id=row[f"{p}id"] if not p else row["task_id"],
                task_role=row[f"{p}role"],
                document_id=row[f"{p}measure__document_id"],
                ref=ref,
                at=at,
                explanation=text,
            )
        )

    def collect_finishes(self) -> None:
        rows = self.base.filter(finished_at__gte=self.start_dt, finished_at__lt=self.end_dt).values(
            "id", "department_id", "role", "measure__document_id", "eff_deadline", "finished_at"
        )
        for row in rows.iterator(chunk_size=5000):
            done = _local_date(row["finished_at"])
            eff = row["eff_deadline"]
            d = self.depts[row["department_id"]]
            if eff is None or done <= eff:
                d.on_time += 1
                self._add(
                    row,
                    EventKind.ON_TIME,
                    f"task:{row['id']}",
                    row["finished_at"],
                    f"原定时限 {_d(eff)}，{_d(done)} 办结",
                )
            else:
                d.late += 1
                late = working_days_after(eff, done)
                self._add(
                    row,
                    EventKind.LATE,
                    f"task:{row['id']}",
                    row["finished_at"],
                    f"原定时限 {_d(eff)}，{_d(done)} 办结，逾期 {late} 个工作日",
                )

    def collect_overdue(self) -> None:
        rows = (
            self.base.filter(eff_deadline__lt=self.as_of)
            .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=self.end_dt))
            .values("id", "department_id", "role", "measure__document_id", "eff_deadline")
        )
        for row in rows.iterator(chunk_size=5000):
            self.depts[row["department_id"]].overdue_open += 1
            days = working_days_after(row["eff_deadline"], self.as_of)
            self._add(
                row,
                EventKind.OVERDUE_OPEN,
                f"task:{row['id']}",
                None,
                f"原定时限 {_d(row['eff_deadline'])}，截至 {_d(self.as_of)} 逾期 {days} 个工作日未办结",
            )

    def _task_events(self, qs: QuerySet[Any], at_field: str) -> QuerySet[Any]:
        """Events on counted tasks inside the period, and not before the task's (re)assignment."""
        return qs.filter(
            counted_tasks_q("task__"),
            **{f"{at_field}__gte": self.start_dt, f"{at_field}__lt": self.end_dt},
        ).filter(**{f"{at_field}__gte": F("task__assigned_at")})

    _TASK_FIELDS = ("task_id", "task__department_id", "task__role", "task__measure__document_id")

    def collect_returns(self) -> None:
        qs = self._task_events(AuditEvent.objects.filter(action="task.return", task__isnull=False), "at")
        for row in qs.values("id", "at", "note", *self._TASK_FIELDS).iterator(chunk_size=5000):
            reason = (row["note"] or "").strip().replace("\n", " ")[:80]
            self._add(
                row,
                EventKind.RETURNED,
                f"audit:{row['id']}",
                row["at"],
                f"{_d(_local_date(row['at']))} 退回重办" + (f"：{reason}" if reason else ""),
                p="task__",
            )

    def collect_urges(self) -> None:
        qs = self._task_events(Urge.objects.all(), "created_at")
        for row in qs.values("id", "created_at", *self._TASK_FIELDS).iterator(chunk_size=5000):
            self._add(
                row,
                EventKind.URGED,
                f"urge:{row['id']}",
                row["created_at"],
                f"{_d(_local_date(row['created_at']))} 被催办",
                p="task__",
            )

    def collect_extensions(self) -> None:
        qs = self._task_events(
            ExtensionRequest.objects.filter(status=ExtensionRequest.Status.APPROVED, decided_at__isnull=False),
            "decided_at",
        )
        for row in qs.values(
            "id", "decided_at", "was_overdue", "current_deadline", "requested_deadline", *self._TASK_FIELDS
        ).iterator(chunk_size=5000):
            kind = EventKind.EXTENSION_LATE if row["was_overdue"] else EventKind.EXTENSION
            when = "逾期后申请" if row["was_overdue"] else "按期申请"
            self._add(
                row,
                kind,
                f"extension:{row['id']}",
                row["decided_at"],
                f"{_d(_local_date(row['decided_at']))} 批准延期（{when}）：{_d(row['current_deadline'])} → "
                f"{_d(row['requested_deadline'])}",
                p="task__",
            )

    def reporting_periods(self) -> list[tuple[str, str, dt.date, dt.date]]:
        """(cycle, key, start, end) of the reporting periods that ended inside the period by as_of."""
        out = []
        day = self.period.start
        while day <= self.period.end:
            month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            if month_end > self.as_of:
                break
            m = month_end.month
            starts = {
                ReportingCycle.MONTHLY: day.replace(day=1),
                ReportingCycle.QUARTERLY: dt.date(day.year, m - 2, 1) if m % 3 == 0 else None,
                ReportingCycle.SEMIANNUAL: dt.date(day.year, m - 5, 1) if m in (6, 12) else None,
                ReportingCycle.ANNUAL: dt.date(day.year, 1, 1) if m == 12 else None,
            }
            for cycle, start in starts.items():
                if start is not None:
                    out.append((cycle.value, period_key(cycle, month_end), start, month_end))
            day = month_end + dt.timedelta(days=1)
        return out

    def collect_missing_reports(self) -> None:
        """A task of a document with a reporting cycle, assigned before a reporting period began and still
        open at its end, with no progress report for that period."""
        for cycle, key, start, end in self.reporting_periods():
            end_dt = _local_midnight(end + dt.timedelta(days=1))
            qs = (
                self.base.filter(measure__document__reporting_cycle=cycle, assigned_at__lt=_local_midnight(start))
                .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end_dt))
                .filter(~Exists(ProgressReport.objects.filter(task_id=OuterRef("pk"), period=key)))
            )
            for row in qs.values("id", "department_id", "role", "measure__document_id").iterator(chunk_size=5000):
                self._add(row, EventKind.REPORT_MISSING, f"report:{key}", _local_midnight(end), f"{key} 未报送进展")

    # --- Scores ---

    def build(self, period_row: ScorePeriod) -> tuple[list[DepartmentScore], dict[int, list[ScoreItem]]]:
        rs = self.rules.ruleset
        by_dept: dict[int, list[_Event]] = defaultdict(list)
        for ev in self.events:
            by_dept[ev.department_id].append(ev)
        scores: list[DepartmentScore] = []
        items: dict[int, list[ScoreItem]] = {}
        for dept_id in sorted(self.depts):
            d = self.depts[dept_id]
            lines: list[ScoreItem] = [
                ScoreItem(event=EventKind.BASE, points=_q(rs.base_score), explanation=f"基础分（{rs.name}）")
            ]
            sums: dict[int, Decimal] = defaultdict(Decimal)
            rule_of: dict[int, ScoreRuleItem] = {}
            events = sorted(
                by_dept.get(dept_id, []),
                key=lambda e: (EVENT_ORDER[EventKind(e.event)], e.at or _EARLIEST, e.task_id, e.ref),
            )
            for ev in events:
                rule = self.rules.item(ev.event, ev.task_role)
                if rule is None or rule.points == 0:
                    continue
                weight = self.rules.weights.get(ev.document_id, Decimal("1"))
                points = _q(rule.points * weight)
                text = ev.explanation + (f"（文件权重 ×{weight}）" if weight != 1 else "")
                lines.append(
                    ScoreItem(
                        rule_item=rule,
                        task_id=ev.task_id,
                        event=ev.event,
                        event_ref=ev.ref,
                        event_at=ev.at,
                        points=points,
                        explanation=text[:300],
                    )
                )
                sums[rule.pk] += points
                rule_of[rule.pk] = rule
            bonus = deduction = Decimal("0")
            for rule_pk in sorted(sums):
                rule, total = rule_of[rule_pk], sums[rule_pk]
                if rule.cap is not None and abs(total) > rule.cap:
                    capped = rule.cap if total > 0 else -rule.cap
                    lines.append(
                        ScoreItem(
                            rule_item=rule,
                            event=EventKind.CAP,
                            points=_q(capped - total),
                            explanation=f"{rule.get_event_display()}本期累计 {total} 分，按上限 {rule.cap} 分计",
                        )
                    )
                    total = capped
                if total > 0:
                    bonus += total
                else:
                    deduction -= total
            subtotal = sum((i.points for i in lines), Decimal("0"))
            completion = None
            if d.due:
                completion = Decimal(d.due_finished) / Decimal(d.due)
            if rs.multiply_by_completion:
                rate = completion if completion is not None else Decimal("1")
                adj = _q(subtotal * rate) - subtotal
                pct = _q(rate * 100)
                lines.append(
                    ScoreItem(
                        event=EventKind.COMPLETION,
                        points=adj,
                        explanation=f"得分 {subtotal} × 完成率 {pct}%（应完成 {d.due} 项，已办结 {d.due_finished} 项）",
                    )
                )
                subtotal += adj
            limited = subtotal
            if rs.max_total is not None and limited > rs.max_total:
                limited = rs.max_total
            if rs.min_total is not None and limited < rs.min_total:
                limited = rs.min_total
            if limited != subtotal:
                lines.append(
                    ScoreItem(
                        event=EventKind.LIMIT,
                        points=_q(limited - subtotal),
                        explanation=f"总分 {subtotal} 按上下限计为 {limited}",
                    )
                )
            for k, line in enumerate(lines):
                line.order = k
            denominator = d.on_time + d.late + d.overdue_open
            scores.append(
                DepartmentScore(
                    period=period_row,
                    department_id=dept_id,
                    group=KIND_GROUP[d.kind],
                    total=_q(limited),
                    bonus=_q(bonus),
                    deduction=_q(deduction),
                    task_count=d.task_count,
                    finished_on_time=d.on_time,
                    finished_late=d.late,
                    overdue_open=d.overdue_open,
                    due_count=d.due,
                    due_finished=d.due_finished,
                    on_time_rate=None
                    if not denominator
                    else _q(Decimal(100 * d.on_time) / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                    completion_rate=None
                    if completion is None
                    else (completion * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                    red=d.lights.get(Light.RED, 0),
                    yellow=d.lights.get(Light.YELLOW, 0),
                    green=d.lights.get(Light.GREEN, 0),
                )
            )
            items[dept_id] = lines
        _rank(scores)
        return scores, items


def _rank(scores: Iterable[DepartmentScore]) -> None:
    """Competition ranking (1, 2, 2, 4) by total within each group."""
    groups: dict[str, list[DepartmentScore]] = defaultdict(list)
    for s in scores:
        groups[s.group].append(s)
    for rows in groups.values():
        rows.sort(key=lambda s: (-s.total, s.department_id))
        previous: Decimal | None = None
        rank = 0
        for k, s in enumerate(rows, start=1):
            if s.total != previous:
                rank, previous = k, s.total
            s.rank = rank


def compute_period(*, key: str, actor: Any = None, today: dt.date | None = None) -> Result:
    """Compute and store the scores of period `key` (2026-05, 2026-Q2, 2026), replacing earlier rows.

    A period in progress is computed as of today; a closed one as of its last day.
    """
    period = parse_period(key)
    today = today or local_today()
    if period.start > today:
        raise DomainError(f"{period.label}尚未开始，不能计算得分。", code="period_future")
    as_of = min(period.end, today)
    rules = _Rules.load(ruleset_for(period))
    comp = _Computation(period, as_of, rules)
    comp.collect_departments()
    source = comp.collect_lights()
    comp.collect_finishes()
    comp.collect_overdue()
    comp.collect_returns()
    comp.collect_urges()
    comp.collect_extensions()
    comp.collect_missing_reports()
    with transaction.atomic():
        period_row, _ = ScorePeriod.objects.select_for_update().update_or_create(
            key=period.key,
            defaults={
                "kind": period.kind,
                "start": period.start,
                "end": period.end,
                "as_of": as_of,
                "closed": period.end < today,
                "ruleset": rules.ruleset,
                "rules": rules.snapshot(),
                "computed_at": timezone.now(),
                "computed_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        DepartmentScore.objects.filter(period=period_row).delete()
        scores, items = comp.build(period_row)
        for s in scores:
            s.lights_source = source
        DepartmentScore.objects.bulk_create(scores, batch_size=1000)
        batch: list[ScoreItem] = []
        count = 0
        for s in scores:
            for line in items[s.department_id]:
                line.score_id = s.pk
                batch.append(line)
            if len(batch) >= ITEM_BATCH:
                ScoreItem.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            ScoreItem.objects.bulk_create(batch)
            count += len(batch)
        period_row.department_count = len(scores)
        period_row.item_count = count
        period_row.save(update_fields=["department_count", "item_count"])
    return Result(period_row, len(scores), count)


def compute_closed_periods(*, today: dt.date | None = None) -> list[str]:
    """After a period ends (run daily): compute the periods that ended yesterday, once each.

    Also catches up on last month when it has never been computed (the beat or loop was down on the 1st).
    """
    from .periods import periods_ending_before, previous_month

    today = today or local_today()
    keys = [p.key for p in periods_ending_before(today)]
    last = previous_month(today).key
    if last not in keys and not ScorePeriod.objects.filter(key=last, closed=True).exists():
        keys.append(last)
    done = []
    for key in keys:
        if ScorePeriod.objects.filter(key=key, closed=True).exists():
            continue
        try:
            compute_period(key=key, today=today)
        except DomainError:
            continue  # no rules in force: nothing to compute
        done.append(key)
    return done
