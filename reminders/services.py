"""Reminders: the state-based sweep, the exactly-once claim, delivery, and rule writes.

Design (docs/reminders.md):
1. `reminder_sweep(today)` computes, from task state alone, every reminder that should have gone out
   up to `today` (only the latest stage of each rule, so a missed day is caught up without a flood),
   and inserts the missing ReminderLog rows with ON CONFLICT DO NOTHING. Running it twice adds nothing.
2. `reminder_deliver_pending()` repeatedly claims ONE due pending row with
   SELECT … FOR UPDATE SKIP LOCKED, sends it, and marks it sent in the same transaction. Parallel
   workers never take the same row; a worker killed mid-send rolls back and the row is sent again
   later (in-app notifications are written in that same transaction, so they are exactly-once; external
   channels carry the log id as an idempotency key for receivers).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accounts.models import DeptRole, User
from common.dates import local_now
from tasks.lights import overdue_q
from tasks.models import CLOSED_STATUSES, AuditEvent, Measure, PolicyDocument, ProgressReport, Task, TaskStatus, Urge

from . import channels
from .bulk import array_element, insert_rows
from .models import (
    BATCH_KINDS,
    EVENT_KINDS,
    HOOK_CHANNELS,
    Channel,
    ChannelConfig,
    Notification,
    ReminderKind,
    ReminderLog,
    ReminderRule,
    default_channels,
    default_days_before,
    default_report_days_before,
)
from .preferences import DEFAULT_PREF, preferences_for
from .schedule import (
    add_working_days,
    current_period,
    is_working_day,
    next_allowed,
    working_days_after,
    working_days_before,
)

logger = logging.getLogger(__name__)

# A fixed key for pg_try_advisory_xact_lock: "duba" in ASCII.
SWEEP_LOCK_KEY = 0x64756261
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 30, 120, 360)
DIGEST_SOON_WORKING_DAYS = 5
OPEN_KINDS_FOR_OWNER = (ReminderKind.DUE_SOON, ReminderKind.OVERDUE, ReminderKind.REPORT_DUE)
# At most this many rows of one target, channel and kind go into one batched message (the rest: the next one).
BATCH_MAX = 1000
# Lines listed in a batched or summary message before "……等 N 项".
BATCH_LINES = 20
# The daily personal summary (每日汇总) sends what was held up to this Beijing time (beat runs it then).
PERSONAL_DIGEST_AT = dt.time(17, 30)


# --- Rules ---


@dataclass(frozen=True)
class EffectiveRule:
    """The rule values that apply to one document (its own rule, else the global one, else defaults)."""

    days_before: tuple[int, ...] = tuple(default_days_before())
    overdue_repeat_days: int = 3
    escalate_leader_after_days: int | None = 3
    escalate_supervisor_after_days: int | None = 7
    report_due_days_before: tuple[int, ...] = tuple(default_report_days_before())
    quiet_hours_start: dt.time | None = dt.time(22, 0)
    quiet_hours_end: dt.time | None = dt.time(7, 0)
    channels: frozenset[str] = frozenset(default_channels())
    digest_enabled: bool = True

    @classmethod
    def from_model(cls, rule: ReminderRule) -> EffectiveRule:
        return cls(
            days_before=tuple(sorted({int(d) for d in rule.days_before}, reverse=True)),
            overdue_repeat_days=max(1, rule.overdue_repeat_days),
            escalate_leader_after_days=rule.escalate_leader_after_days,
            escalate_supervisor_after_days=rule.escalate_supervisor_after_days,
            report_due_days_before=tuple(sorted({int(d) for d in rule.report_due_days_before}, reverse=True)),
            quiet_hours_start=rule.quiet_hours_start,
            quiet_hours_end=rule.quiet_hours_end,
            channels=frozenset(rule.channels),
            digest_enabled=rule.digest_enabled,
        )


@dataclass
class RuleBook:
    """Every active rule, loaded in one query."""

    global_rule: EffectiveRule
    by_document: dict[int, EffectiveRule]

    def for_document(self, document_id: int | None) -> EffectiveRule:
        if document_id is None:
            return self.global_rule
        return self.by_document.get(document_id, self.global_rule)

    def all(self) -> list[EffectiveRule]:
        return [self.global_rule, *self.by_document.values()]


def rule_book() -> RuleBook:
    """Load the global rule and every per-document rule (built-in defaults when there is no global rule)."""
    global_rule = EffectiveRule()
    by_document: dict[int, EffectiveRule] = {}
    for rule in ReminderRule.objects.filter(active=True):
        if rule.document_id is None:
            global_rule = EffectiveRule.from_model(rule)
        else:
            by_document[rule.document_id] = EffectiveRule.from_model(rule)
    return RuleBook(global_rule=global_rule, by_document=by_document)


@transaction.atomic
def reminder_rule_create(*, data: dict[str, Any]) -> ReminderRule:
    """Create a rule (global when `document` is empty); a sweep is enqueued after commit."""
    rule = ReminderRule(**data)
    rule.full_clean()
    rule.save()
    transaction.on_commit(lambda: enqueue_sweep())
    return rule


@transaction.atomic
def reminder_rule_update(*, rule: ReminderRule, data: dict[str, Any]) -> ReminderRule:
    """Change a rule's fields; a sweep is enqueued after commit so new thresholds apply at once."""
    for name, value in data.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save(update_fields=[*data.keys(), "updated_at"])
    transaction.on_commit(lambda: enqueue_sweep())
    return rule


@transaction.atomic
def reminder_rule_delete(*, rule: ReminderRule) -> None:
    """Delete a rule; its documents fall back to the global rule."""
    rule.delete()


# --- Planning: what should have been sent up to `today` ---


@dataclass
class People:
    """Active users by role, loaded once per sweep."""

    liaisons: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    leaders: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    supervisors: list[int] = field(default_factory=list)
    emails: dict[int, str] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)


def _load_people() -> People:
    people = People()
    rows = User.objects.filter(is_active=True).values_list("id", "department_id", "dept_role", "is_supervisor", "email")
    for user_id, department_id, role, is_supervisor, email in rows:
        people.active.add(user_id)
        if email:
            people.emails[user_id] = email
        if department_id is not None and role == DeptRole.LIAISON:
            people.liaisons[department_id].append(user_id)
        if department_id is not None and role == DeptRole.LEADER:
            people.leaders[department_id].append(user_id)
        if is_supervisor:
            people.supervisors.append(user_id)
    return people


def _load_hooks() -> dict[int | None, list[tuple[int, str]]]:
    hooks: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for hook_id, kind, department_id in ChannelConfig.objects.filter(active=True).values_list(
        "id", "kind", "department_id"
    ):
        hooks[department_id].append((hook_id, kind))
    return hooks


class PlannedRow(NamedTuple):
    """One ReminderLog row the sweep wants to exist (a plain tuple: cheap to build by the hundred thousand).

    Its field names are ReminderLog's attnames: the sweep inserts the tuples by them (reminders/bulk.py)."""

    task_id: int | None
    recipient_id: int | None
    webhook_id: int | None
    target: str
    kind: str
    channel: str
    date_key: str
    not_before: dt.datetime
    status: str = ReminderLog.Status.PENDING

    @property
    def key(self) -> tuple[int | None, str, str, str, str]:
        """The columns of ReminderLog's unique constraints (task is NULL for digests)."""
        return (self.task_id, self.target, self.kind, self.channel, self.date_key)


# One row of an audience: (recipient id, webhook id, target, kind, channel, status).
Member = tuple[int | None, int | None, str, str, str, str]
# A task's reminders: (occasion id, audience id) pairs, shared by every task that gets the same ones.
Slots = tuple[tuple[int, int], ...]
# Who a task reminder goes to besides the webhooks (see ReminderPlan.people_for).
OWNERS, LEADERS, SUPERVISORS = "owners", "leaders", "supervisors"


@dataclass
class TaskRows:
    """A plan's task rows in the compact form the anti-join takes (see ReminderPlan)."""

    tasks: list[int]  # task ids ...
    groups: list[int]  # ... and the group of each
    group_slots: list[Slots]  # group -> its (occasion, audience) pairs
    date_keys: list[str]  # occasion -> date key
    keys: list[list[tuple[str, str, str]]]  # audience -> (target, kind, channel) of each of its rows


class ReminderPlan:
    """Every ReminderLog row that should exist for today, kept compact (docs/reminders.md, "The sweep").

    A task reminder of one kind is an (occasion, audience) pair: the occasion is the date key with its
    not_before, the audience the (target, kind, channel, status) rows that go to one set of people and
    webhooks. Tasks that get the same pairs form a group (`task_groups`), so planning costs a few
    dictionary look-ups per task and builds no object per row; `missing_rows()` lets the database expand
    the groups and returns only the rows that are not in the log yet. Rows without a task (digests) are
    PlannedRow.
    """

    def __init__(self, *, now: dt.datetime, book: RuleBook) -> None:
        self.now_local = timezone.localtime(now)
        self.book = book  # held, so that the id() of each of its rules stays that rule's while the plan lives
        self.people = _load_people()
        self.hooks = _load_hooks()
        self.prefs = preferences_for()  # everyone's 通知设置 (people without settings get the defaults)
        self.rows: list[PlannedRow] = []  # rows without a task
        self.task_groups: dict[Slots, list[int]] = defaultdict(list)  # the task ids that get these reminders
        self.task_rows = 0  # how many rows the task groups stand for
        self.occasions: list[tuple[str, dt.datetime]] = []  # occasion id -> (date key, not_before)
        self.audiences: list[tuple[Member, ...]] = []  # audience id -> its rows
        # Caches keyed by id(rule) (hashing a rule's fields each time would cost more than the look-up).
        self._occasion_ids: dict[tuple[str, int], int] = {}
        self._audience_ids: dict[tuple[Any, ...], int] = {}
        self._owners: dict[tuple[int | None, int], tuple[int, ...]] = {}
        self._not_before: dict[int, dt.datetime] = {}

    @property
    def planned(self) -> int:
        """How many rows the plan stands for: every target and channel of every occasion."""
        return self.task_rows + len(self.rows)

    def not_before(self, rule: EffectiveRule) -> dt.datetime:
        """Now, or the end of the rule's quiet hours (deferred, never dropped)."""
        found = self._not_before.get(id(rule))
        if found is None:
            found = self._not_before[id(rule)] = next_allowed(
                self.now_local, rule.quiet_hours_start, rule.quiet_hours_end
            )
        return found

    def owners(self, owner_id: int | None, department_id: int) -> tuple[int, ...]:
        """The task's owner and the department's liaisons; the leaders when there is nobody else."""
        found = self._owners.get((owner_id, department_id))
        if found is None:
            ids = tuple(dict.fromkeys([*([owner_id] if owner_id in self.people.active else []),
                                       *self.people.liaisons.get(department_id, [])]))
            found = self._owners[(owner_id, department_id)] = ids or tuple(self.people.leaders.get(department_id, []))
        return found

    def people_for(self, audience: str, owner_id: int | None, department_id: int) -> Iterable[int]:
        """The people of a task reminder's audience (OWNERS, LEADERS or SUPERVISORS)."""
        if audience == OWNERS:
            return self.owners(owner_id, department_id)
        if audience == LEADERS:
            return self.people.leaders.get(department_id, [])
        return self.people.supervisors

    def _members(self, rule: EffectiveRule, kind: str, people: Iterable[int], department_id: int | None,
                 hooks: bool) -> Iterator[Member]:
        """The rows a `kind` reminder makes for `people` and (unless hooks=False) the department's webhooks."""
        for user_id in people:
            # The person's 通知设置: muted kinds get no row, e-mail only if wanted, 每日汇总 rows are held.
            pref = self.prefs.get(user_id, DEFAULT_PREF)
            status = pref.status_for(kind)
            for channel in pref.person_channels(kind, has_email=user_id in self.people.emails, allowed=rule.channels):
                yield user_id, None, f"u:{user_id}", kind, channel, status
        if not hooks:
            return
        scoped = [*self.hooks.get(None, []), *(self.hooks.get(department_id, []) if department_id else [])]
        for hook_id, hook_kind in scoped:
            if hook_kind in rule.channels:
                yield None, hook_id, f"w:{hook_id}", kind, hook_kind, ReminderLog.Status.PENDING

    def occasion(self, rule: EffectiveRule, date_key: str) -> int:
        """The id of the occasion `date_key` under `rule` (its not_before)."""
        found = self._occasion_ids.get((date_key, id(rule)))
        if found is None:
            found = self._occasion_ids[(date_key, id(rule))] = len(self.occasions)
            self.occasions.append((date_key, self.not_before(rule)))
        return found

    def audience(self, rule: EffectiveRule, kind: str, people: Iterable[int], department_id: int | None,
                 hooks: bool = True) -> int:
        """The id of the audience of a `kind` reminder for `people` (and the department's webhooks)."""
        key = (id(rule), kind, tuple(people), department_id, hooks)
        found = self._audience_ids.get(key)
        if found is None:
            found = self._audience_ids[key] = len(self.audiences)
            self.audiences.append(tuple(self._members(rule, str(kind), key[2], department_id, hooks)))
        return found

    def add_tasks(self, slots: Slots, task_ids: list[int]) -> None:
        """`task_ids` get the reminders `slots`: (occasion, audience) pairs, audiences not empty."""
        if slots and task_ids:
            self.task_groups[slots].extend(task_ids)
            self.task_rows += len(task_ids) * sum(len(self.audiences[a]) for _, a in slots)

    def add(self, *, rule: EffectiveRule, kind: str, date_key: str, people: Iterable[int], task_id: int | None = None,
            department_id: int | None = None, hooks: bool = True) -> None:
        """Plan one reminder (a task's, or one without a task such as a digest)."""
        kind = str(kind)
        if task_id is None:
            not_before = self.not_before(rule)
            self.rows.extend(PlannedRow(None, *m[:3], m[3], m[4], date_key, not_before, m[5])
                             for m in self._members(rule, kind, people, department_id, hooks))
            return
        audience = self.audience(rule, kind, people, department_id, hooks)
        if self.audiences[audience]:
            self.add_tasks(((self.occasion(rule, date_key), audience),), [task_id])

    def _row(self, task_id: int, occasion: int, audience: int, index: int) -> PlannedRow:
        date_key, not_before = self.occasions[occasion]
        recipient_id, webhook_id, target, kind, channel, status = self.audiences[audience][index]
        return PlannedRow(task_id, recipient_id, webhook_id, target, kind, channel, date_key, not_before, status)

    def expand(self) -> Iterator[PlannedRow]:
        """Every planned row, built in Python (for tests and inspection; the sweep lets the database do it)."""
        for slots, task_ids in self.task_groups.items():
            for task_id in task_ids:
                for occasion, audience in slots:
                    for index in range(len(self.audiences[audience])):
                        yield self._row(task_id, occasion, audience, index)
        yield from self.rows

    def task_rows_table(self) -> TaskRows:
        """The task groups in the form the anti-join takes."""
        tasks: list[int] = []
        groups: list[int] = []
        for group, task_ids in enumerate(self.task_groups.values()):
            tasks.extend(task_ids)
            groups.extend([group] * len(task_ids))
        keys = [[(target, kind, channel) for _, _, target, kind, channel, _ in rows] for rows in self.audiences]
        return TaskRows(tasks, groups, list(self.task_groups), [key for key, _ in self.occasions], keys)

    def missing_rows(self) -> list[PlannedRow]:
        """The planned rows that are not in the log yet, found by the unique key (task, target, kind,
        channel, date key). On PostgreSQL rows already present are never built in Python."""
        present = existing_keys(self.rows)
        missing = [row for row in self.rows if row.key not in present]
        table = self.task_rows_table()
        for start in range(0, len(table.tasks), EXISTING_CHUNK):
            missing.extend(self._row(*found) for found in _absent_task_rows(table, start, start + EXISTING_CHUNK))
        return missing


def _latest_stage(anchor: dt.date, offsets: Iterable[int], today: dt.date) -> int | None:
    """The offset N whose fire date (N working days before `anchor`) is the latest one not after today."""
    best: tuple[dt.date, int] | None = None
    for n in offsets:
        fire = working_days_before(anchor, n)
        if fire <= today and (best is None or fire > best[0]):
            best = (fire, n)
    return best[1] if best else None


def due_tasks_queryset(*, today: dt.date, horizon: dt.date):
    """Open tasks that are overdue (tasks.lights.overdue_q) or due by `horizon`: the bare due-row SQL."""
    return (
        Task.objects.filter(deadline__isnull=False, deadline__lte=horizon)
        .exclude(status__in=list(CLOSED_STATUSES))
        .annotate(overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()))
        .order_by()
        .values_list("id", "deadline", "department_id", "owner_id", "measure__document_id", "overdue")
    )


def _deadline_reminders(
    rule: EffectiveRule, deadline: dt.date, overdue: bool, today: dt.date
) -> tuple[tuple[str, str, str], ...]:
    """What an open task with this deadline is due for today: (kind, date key, audience) of the latest
    due-soon stage, or of the current 催办 stage and the escalations it has reached."""
    if not overdue:
        stage = _latest_stage(deadline, rule.days_before, today)
        return () if stage is None else ((ReminderKind.DUE_SOON, f"{deadline}:D-{stage}", OWNERS),)
    late = working_days_after(deadline, today)
    if late < 1:
        return ()  # overdue since a weekend/holiday only: the first 催办 goes out on the next working day
    stage = 1 + ((late - 1) // rule.overdue_repeat_days) * rule.overdue_repeat_days
    due = [(ReminderKind.OVERDUE, f"{deadline}:overdue-{stage}", OWNERS)]
    if rule.escalate_leader_after_days is not None and late >= rule.escalate_leader_after_days:
        due.append((ReminderKind.ESCALATE_LEADER, f"{deadline}", LEADERS))
    if rule.escalate_supervisor_after_days is not None and late >= rule.escalate_supervisor_after_days:
        due.append((ReminderKind.ESCALATE_SUPERVISOR, f"{deadline}", SUPERVISORS))
    return tuple(due)


def _plan_task_reminders(plan: ReminderPlan, book: RuleBook, today: dt.date) -> dict[int, list[int]]:
    """Due-soon, overdue and escalation rows; returns {department_id: [overdue, due soon]} for digests."""
    max_before = max((max(r.days_before, default=0) for r in book.all()), default=0)
    horizon = add_working_days(today, max(max_before, DIGEST_SOON_WORKING_DAYS) + 1)
    soon_limit = add_working_days(today, DIGEST_SOON_WORKING_DAYS)
    # Tasks with the same rule, deadline, owner and department get the same reminders: the due rows are
    # only grouped here (a tuple and an append per task), and each group's reminders are worked out once.
    own_rules = book.by_document
    groups: dict[tuple[int | None, dt.date, bool, int | None, int], list[int]] = defaultdict(list)
    # Read as a plain query, not .iterator(): PostgreSQL plans a server-side cursor for its first rows and
    # without parallel workers, while the sweep reads every row (the rows are small tuples).
    for task_id, deadline, department_id, owner_id, document_id, overdue in due_tasks_queryset(
        today=today, horizon=horizon
    ):
        rule_key = document_id if document_id in own_rules else None
        groups[(rule_key, deadline, overdue, owner_id, department_id)].append(task_id)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    due_by_deadline: dict[tuple[int | None, dt.date, bool], tuple[tuple[str, int, str], ...]] = {}
    audiences: dict[tuple[int | None, str, str, int | None, int], int] = {}
    for (rule_key, deadline, overdue, owner_id, department_id), task_ids in groups.items():
        rule = book.for_document(rule_key)
        if overdue:
            counts[department_id][0] += len(task_ids)
        elif deadline <= soon_limit:
            counts[department_id][1] += len(task_ids)
        due = due_by_deadline.get((rule_key, deadline, overdue))
        if due is None:
            due = due_by_deadline[(rule_key, deadline, overdue)] = tuple(
                (kind, plan.occasion(rule, date_key), audience)
                for kind, date_key, audience in _deadline_reminders(rule, deadline, overdue, today)
            )
        slots = []
        for kind, occasion, audience in due:
            key = (rule_key, kind, audience, owner_id if audience == OWNERS else None, department_id)
            found = audiences.get(key)
            if found is None:
                people = plan.people_for(audience, owner_id, department_id)
                found = audiences[key] = plan.audience(rule, kind, people, department_id)
            if plan.audiences[found]:
                slots.append((occasion, found))
        plan.add_tasks(tuple(slots), task_ids)
    return counts


def _plan_assignment_notices(plan: ReminderPlan, book: RuleBook) -> None:
    """交办 notices: every task waiting to be signed for (已交办) tells its owner and liaison, once per
    department it is assigned to (a task reassigned elsewhere tells the new department)."""
    # Tasks already noticed for their current department are left out in SQL: unlike deadline
    # reminders, a 交办 notice is not re-planned for people who joined later, so the steady-state
    # sweep reads nothing for the thousands of tasks an import leaves waiting.
    already = ReminderLog.objects.filter(
        task_id=OuterRef("pk"),
        kind=ReminderKind.ASSIGNED,
        date_key=Concat(Value("dept-"), Cast(OuterRef("department_id"), output_field=CharField())),
    )
    # The document (for its rule) by a subquery, not a join: only the few tasks found pay for it.
    document = Measure.objects.filter(pk=OuterRef("measure_id")).order_by().values("document_id")[:1]
    waiting = (
        Task.objects.filter(status=TaskStatus.ASSIGNED)
        .filter(~Exists(already))
        .annotate(document_id=Subquery(document))
        .order_by()
        .values_list("id", "department_id", "owner_id", "document_id")
    )
    for task_id, department_id, owner_id, document_id in waiting:  # not .iterator(): see _plan_task_reminders
        plan.add(rule=book.for_document(document_id), kind=ReminderKind.ASSIGNED, date_key=f"dept-{department_id}",
                 people=plan.owners(owner_id, department_id), task_id=task_id, department_id=department_id)


def _plan_report_reminders(plan: ReminderPlan, book: RuleBook, today: dt.date) -> None:
    """Report-due rows: open tasks of documents whose reporting period closes soon, with no report yet."""
    active: dict[str, list[int]] = defaultdict(list)  # period key -> document ids
    date_keys: dict[int, str] = {}  # document id -> the date key of its current report reminder
    documents = PolicyDocument.objects.exclude(reporting_cycle="").values_list("id", "reporting_cycle", "reporting_day")
    for document_id, cycle, reporting_day in documents:
        rule = book.for_document(document_id)
        period = current_period(cycle, reporting_day, today)
        if period is None or not rule.report_due_days_before:
            continue
        key, close = period
        stage = _latest_stage(close, rule.report_due_days_before, today)
        if stage is not None:
            active[key].append(document_id)
            date_keys[document_id] = f"{key}:R-{stage}"
    for key, document_ids in active.items():
        reported = ProgressReport.objects.filter(task=OuterRef("pk"), period=key)
        tasks = (
            Task.objects.filter(measure__document_id__in=document_ids)
            .exclude(status__in=list(CLOSED_STATUSES))
            .exclude(Exists(reported))
            .order_by()
            .values_list("id", "department_id", "owner_id", "measure__document_id")
        )
        for task_id, department_id, owner_id, document_id in tasks:
            plan.add(rule=book.for_document(document_id), kind=ReminderKind.REPORT_DUE,
                     date_key=date_keys[document_id], people=plan.owners(owner_id, department_id),
                     task_id=task_id, department_id=department_id)


def _plan_digests(plan: ReminderPlan, book: RuleBook, today: dt.date, counts: dict[int, list[int]]) -> None:
    """One digest per leader of a department with overdue or soon-due work, and one per supervisor."""
    rule = book.global_rule
    if not rule.digest_enabled or not is_working_day(today) or not counts:
        return
    for department_id in counts:
        plan.add(rule=rule, kind=ReminderKind.DIGEST_LEADER, date_key=today.isoformat(),
                 people=plan.people.leaders.get(department_id, []), hooks=False)
    plan.add(rule=rule, kind=ReminderKind.DIGEST_SUPERVISOR, date_key=today.isoformat(),
             people=plan.people.supervisors, hooks=False)


def plan_reminders(*, today: dt.date, now: dt.datetime) -> ReminderPlan:
    """Every ReminderLog row that should exist for `today`, from task state only (not saved)."""
    book = rule_book()
    plan = ReminderPlan(now=now, book=book)
    _plan_assignment_notices(plan, book)
    counts = _plan_task_reminders(plan, book, today)
    _plan_report_reminders(plan, book, today)
    _plan_digests(plan, book, today, counts)
    return plan


# --- Which planned rows already exist ---

# Due tasks per anti-join statement. It bounds one statement (a few array or JSON parameters of a few MB)
# and its result; large, because a hash anti-join reads the log once per statement.
EXISTING_CHUNK = 200_000


def existing_keys(rows: Iterable[PlannedRow]) -> set[tuple[int | None, str, str, str, str]]:
    """The keys (see PlannedRow.key) of `rows` without a task (the digests) that are already in the log."""
    date_keys = sorted({row.date_key for row in rows if row.task_id is None})
    if not date_keys:
        return set()
    return set(
        ReminderLog.objects.filter(task__isnull=True, date_key__in=date_keys)
        .values_list("task_id", "target", "kind", "channel", "date_key")
    )


def _pg_array(values: Iterable[Any], pg_type: str) -> str:
    """A PostgreSQL array literal (the server parses it far faster than one parameter per value)."""
    if pg_type in ("bigint", "integer"):
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(map(array_element, values)) + "}"


def _pg_unnest(
    alias: str, columns: tuple[tuple[str, str], ...], values: Sequence[Sequence[Any]]
) -> tuple[str, list[str]]:
    """A PostgreSQL derived table `alias(columns)` (name, type) of the column `values`, and its parameters:
    one array literal per column, so that tens of thousands of keys make one short statement."""
    arrays = ", ".join(f"%s::{pg_type}[]" for _, pg_type in columns)
    names = ", ".join(name for name, _ in columns)
    params = [_pg_array(column, pg_type) for column, (_, pg_type) in zip(values, columns, strict=True)]
    return f"unnest({arrays}) AS {alias}({names})", params


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    return list(zip(*rows, strict=True)) or [() for _ in range(width)]


def _planned_rows_postgres(table: TaskRows, start: int, end: int) -> tuple[str, list[str]]:
    """Tasks `start:end` of the plan as a derived table of rows (t, o, a, i, target, kind, channel, date_key):
    PostgreSQL gets the compact form and expands it itself."""
    slots = [(g, o, a) for g, pairs in enumerate(table.group_slots) for o, a in pairs]
    members = [(a, i, *key) for a, rows in enumerate(table.keys) for i, key in enumerate(rows)]
    tables = [
        _pg_unnest("q", (("t", "bigint"), ("g", "integer")), (table.tasks[start:end], table.groups[start:end])),
        _pg_unnest("s", (("g", "integer"), ("o", "integer"), ("a", "integer")), _columns(slots, 3)),
        _pg_unnest("o", (("o", "integer"), ("date_key", "text")), (range(len(table.date_keys)), table.date_keys)),
        _pg_unnest("m", (("a", "integer"), ("i", "integer"), ("target", "text"), ("kind", "text"),
                         ("channel", "text")), _columns(members, 5)),
    ]
    sql = (
        "SELECT q.t, s.o, s.a, m.i, m.target, m.kind, m.channel, o.date_key FROM {} JOIN {} ON s.g = q.g "
        "JOIN {} ON o.o = s.o JOIN {} ON m.a = s.a"
    ).format(*(fragment for fragment, _ in tables))
    return sql, [param for _, params in tables for param in params]


def _planned_rows_sqlite(table: TaskRows, start: int, end: int) -> tuple[str, list[str]]:
    """The same for SQLite, which gets the rows expanded as one JSON parameter (it has no index for a join
    of JSON tables, and in-process the rows cost it little)."""
    rows = [
        (t, o, a, i, *key, table.date_keys[o])
        for t, g in zip(table.tasks[start:end], table.groups[start:end], strict=True)
        for o, a in table.group_slots[g]
        for i, key in enumerate(table.keys[a])
    ]
    names = ("t", "o", "a", "i", "target", "kind", "channel", "date_key")
    picks = ", ".join(f"json_extract(value, '$[{n}]') AS {name}" for n, name in enumerate(names))
    return f"SELECT {picks} FROM json_each(%s)", [json.dumps(rows)]


def _absent_task_rows(table: TaskRows, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(task id, occasion id, audience id, row index) of the planned rows of tasks `start:end` that are not
    in the log: they are anti-joined with the log on its unique key (task, target, kind, channel, date key),
    one index probe or hash look-up per row, and only the absent rows come back."""
    build = _planned_rows_postgres if connection.vendor == "postgresql" else _planned_rows_sqlite
    rows_sql, params = build(table, start, end)
    log = connection.ops.quote_name(ReminderLog._meta.db_table)
    sql = (
        f"SELECT p.t, p.o, p.a, p.i FROM ({rows_sql}) AS p WHERE NOT EXISTS (SELECT 1 FROM {log} l "
        "WHERE l.task_id = p.t AND l.target = p.target AND l.kind = p.kind AND l.channel = p.channel "
        "AND l.date_key = p.date_key)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(t), int(o), int(a), int(i)) for t, o, a, i in cursor.fetchall()]


# --- The sweep ---


@dataclass
class SweepResult:
    """What one sweep did. `locked_out`: another sweep held the lock, nothing was done."""

    planned: int = 0
    created: int = 0
    created_rows: list[ReminderLog] = field(default_factory=list)
    locked_out: bool = False


def _try_sweep_lock() -> bool:
    """A transaction-scoped PostgreSQL advisory lock, so two beats never sweep at once.

    On SQLite the database write lock already serialises sweeps; ON CONFLICT DO NOTHING makes a
    concurrent sweep harmless either way — the lock only saves the duplicate work.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        return bool(cursor.fetchone()[0])


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the plan is built.

    Reading tens of thousands of due rows allocates as many tuples; each few hundred allocations start a
    collection, and every other sweep a full one that walks the whole (Django-sized) heap: about 30 ms of
    a 100 ms sweep at 100,000 tasks, for garbage that has no cycles (reference counting frees it).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reminder_sweep(
    *, today: dt.date | None = None, now: dt.datetime | None = None, dry_run: bool = False, enqueue: bool = False
) -> SweepResult:
    """Insert the missing reminder rows up to `today` (idempotent); optionally enqueue delivery after commit."""
    now = now or timezone.now()
    today = today or timezone.localtime(now).date()
    with transaction.atomic():
        if not _try_sweep_lock():
            logger.info("reminder sweep skipped: another sweep holds the lock")
            return SweepResult(locked_out=True)
        with _gc_paused():
            plan = plan_reminders(today=today, now=now)
            # Insert only what is missing: in the steady state almost every planned row already exists, and
            # re-inserting them all (ON CONFLICT DO NOTHING) made each sweep cost as much as the first one.
            # The database finds the missing rows (ReminderPlan.missing_rows); ON CONFLICT stays, so a row
            # another writer inserted meanwhile is still never duplicated.
            missing = plan.missing_rows()
            result = SweepResult(planned=plan.planned)
            if not missing:
                logger.info("reminder sweep %s: planned=%s created=0", today, result.planned)
                return result
            last_id = (ReminderLog.objects.aggregate(m=Max("id"))["m"] or 0) if dry_run else 0
            # One INSERT … SELECT FROM unnest(…) per chunk on PostgreSQL, bulk_create on SQLite (reminders/bulk.py);
            # `created` counts the rows really inserted, not the ones a concurrent writer got in first.
            result.created = insert_rows(ReminderLog, PlannedRow._fields, missing)
        if dry_run:
            result.created_rows = list(ReminderLog.objects.filter(id__gt=last_id).order_by("id"))
            transaction.set_rollback(True)
            return result
        if enqueue and result.created:
            transaction.on_commit(lambda: enqueue_delivery())
    logger.info("reminder sweep %s: planned=%s created=%s", today, result.planned, result.created)
    return result


# --- Claim and deliver ---


@dataclass
class DeliveryStats:
    sent: int = 0
    skipped: int = 0
    failed: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def merge(self, other: DeliveryStats) -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed


def reminder_claim_next(*, now: dt.datetime) -> ReminderLog | None:
    """Lock the oldest due pending row, skipping rows other workers hold. Call inside a transaction."""
    # No joins in the locking query: it stays an index scan on the partial index with trivial planning.
    log = (
        ReminderLog.objects.select_for_update(skip_locked=True)
        .filter(status=ReminderLog.Status.PENDING, not_before__lte=now)
        .order_by("not_before", "id")
        .first()
    )
    return _with_related(log) if log else None


def _with_related(log: ReminderLog) -> ReminderLog:
    """Attach the task (with measure, document, department) in one query; recipient/webhook by pk."""
    if log.task_id is not None:
        log.task = Task.objects.select_related("measure__document", "department").get(pk=log.task_id)
    return log


def reminder_deliver_next(*, now: dt.datetime | None = None) -> str | None:
    """Claim one due row, send it and record the outcome in one transaction: "sent"/"skipped"/"failed", or None.

    A task reminder (BATCH_KINDS) takes the other due rows of its target, channel and kind along: they
    go out as ONE message (see `_claim_batch`).
    """
    result = _deliver_next(now=now or timezone.now())
    return result[0] if result else None


def _deliver_next(*, now: dt.datetime) -> tuple[str, DeliveryStats] | None:
    with transaction.atomic():
        log = reminder_claim_next(now=now)
        if log is None:
            return None
        return _deliver_batch(log, now=now)


def reminder_deliver_log(*, log_id: int, now: dt.datetime | None = None) -> str | None:
    """Deliver one specific row if it is still pending and due (another worker may hold or have sent it)."""
    now = now or timezone.now()
    with transaction.atomic():
        log = (
            ReminderLog.objects.select_for_update(skip_locked=True)
            .filter(id=log_id, status=ReminderLog.Status.PENDING, not_before__lte=now)
            .first()
        )
        return _deliver(_with_related(log), now=now) if log else None


def reminder_deliver_pending(
    *, now: dt.datetime | None = None, limit: int | None = None, on_outcome: Callable[[str], None] | None = None
) -> DeliveryStats:
    """Deliver due pending rows until none is left (or `limit` claims); safe to run in parallel.

    The stats count rows: a batched message of 30 rows adds 30 to `sent`.
    """
    stats = DeliveryStats()
    done = 0
    while limit is None or done < limit:
        result = _deliver_next(now=now or timezone.now())
        if result is None:
            break
        outcome, counts = result
        stats.merge(counts)
        if on_outcome:
            on_outcome(outcome)
        done += 1
    return stats


def _mark(log: ReminderLog, status: str, *, now: dt.datetime, error: str = "") -> str:
    log.status = status
    log.last_error = error[:2000]
    fields = ["status", "last_error", "attempts"]
    if status == ReminderLog.Status.SENT:
        log.sent_at = now
        fields.append("sent_at")
    log.save(update_fields=fields)
    return status


def _stale_reason(log: ReminderLog) -> str:
    """Why a pending row no longer applies (the task changed after the sweep), or ""."""
    task = log.task
    if log.recipient_id is not None and not log.recipient.is_active:  # type: ignore[union-attr]
        return "接收人已停用"
    if log.webhook_id is not None and not log.webhook.active:  # type: ignore[union-attr]
        return "推送渠道已停用"
    if log.channel == Channel.EMAIL and not log.recipient.email:  # type: ignore[union-attr]
        return "接收人没有邮箱"
    if task is None or log.kind in EVENT_KINDS:
        # An event notice tells what happened (an 审核通过 is about a finished task): it never goes stale.
        return ""
    if task.status in CLOSED_STATUSES:
        return "任务已办结或取消"
    if log.kind == ReminderKind.ASSIGNED:
        if task.status != TaskStatus.ASSIGNED:
            return "任务已签收或已退回"
        return "" if log.date_key == f"dept-{task.department_id}" else "任务已改派其他部门"
    if log.kind == ReminderKind.REPORT_DUE:
        period = log.date_key.split(":")[0]
        if ProgressReport.objects.filter(task_id=task.pk, period=period).exists():
            return "本期进展已报送"
        return ""
    if not log.date_key.startswith(str(task.deadline)):
        return "完成时限已变更"
    return ""


def _deliver(log: ReminderLog, *, now: dt.datetime) -> str:
    return _deliver_batch(log, now=now)[0]


def _claim_batch(log: ReminderLog, *, now: dt.datetime) -> list[ReminderLog]:
    """The claimed row plus the other due pending rows of the same target, channel and kind (task reminders
    only), locked with SKIP LOCKED so parallel workers split nothing twice; tasks loaded in one query."""
    if log.kind not in BATCH_KINDS or log.task_id is None:
        return [log]
    others = list(
        ReminderLog.objects.select_for_update(skip_locked=True)
        .filter(status=ReminderLog.Status.PENDING, not_before__lte=now, target=log.target, channel=log.channel,
                kind=log.kind)
        .exclude(pk=log.pk)
        .order_by("not_before", "id")[: BATCH_MAX - 1]
    )
    if not others:
        return [log]
    tasks = Task.objects.select_related("measure__document", "department").in_bulk(
        {o.task_id for o in others if o.task_id is not None}
    )
    for other in others:
        other.task = tasks.get(other.task_id)  # type: ignore[arg-type]
        other.recipient = log.recipient if log.recipient_id else None
        other.webhook = log.webhook if log.webhook_id else None
    return [log, *others]


def _deliver_batch(log: ReminderLog, *, now: dt.datetime) -> tuple[str, DeliveryStats]:
    """Send the claimed row (with its batch) as one message; stale rows are skipped with their reason.

    Everything happens in the caller's transaction: the in-app Notification and the rows' status change
    commit together. A channel failure backs every row of the message off together.
    """
    fresh, stats = _drop_stale(_claim_batch(log, now=now), now=now)
    if not fresh:
        return ReminderLog.Status.SKIPPED, stats
    message = render_message(fresh[0]) if len(fresh) == 1 else render_batch(fresh)
    for row in fresh:
        row.attempts += 1
    try:
        # A savepoint: a failure (even a bug) is recorded on the rows instead of poisoning the queue.
        with transaction.atomic():
            _send(fresh[0], message, task=fresh[0].task if len(fresh) == 1 else None)
    except Exception as exc:
        logger.warning("reminder %s via %s failed (attempt %s): %s", log.pk, log.channel, fresh[0].attempts, exc)
        for row in fresh:
            if row.attempts >= MAX_ATTEMPTS:
                stats.add(_mark(row, ReminderLog.Status.FAILED, now=now, error=str(exc)))
                continue
            delay = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
            row.not_before = now + dt.timedelta(minutes=delay)
            row.last_error = str(exc)[:2000]
            row.save(update_fields=["not_before", "last_error", "attempts"])
            stats.add("failed")
        return "failed", stats
    for row in fresh:
        stats.add(_mark(row, ReminderLog.Status.SENT, now=now))
    return ReminderLog.Status.SENT, stats


def _send(log: ReminderLog, message: channels.Message, *, task: Task | None = None, kind: str | None = None) -> None:
    """Send `message` on the row's channel; an in-app message becomes a Notification linked to `log`."""
    if log.channel == Channel.INAPP:
        assert log.recipient_id is not None, "in-app rows always name a recipient"
        Notification.objects.create(
            user_id=log.recipient_id, log=log, task=task, kind=kind or log.kind, title=message.title[:200],
            body=message.body,
        )
    elif log.channel == Channel.EMAIL:
        channels.send_email(address=log.recipient.email, message=message)  # type: ignore[union-attr]
    elif log.channel in HOOK_CHANNELS:
        hook = log.webhook
        assert hook is not None
        if hook.kind == Channel.WECOM:
            channels.send_wecom(url=hook.url, message=message)
        elif hook.kind == Channel.DINGTALK:
            channels.send_dingtalk(url=hook.url, secret=hook.secret, message=message)
        else:
            channels.send_webhook(url=hook.url, secret=hook.secret, message=message)


# --- The daily personal summary (每日汇总) ---


def personal_digest_cutoff(now: dt.datetime) -> dt.datetime:
    """The latest PERSONAL_DIGEST_AT (Beijing) not after `now`: rows held up to then belong to that summary."""
    local = timezone.localtime(now)
    cutoff = local.replace(hour=PERSONAL_DIGEST_AT.hour, minute=PERSONAL_DIGEST_AT.minute, second=0, microsecond=0)
    return cutoff if cutoff <= local else cutoff - dt.timedelta(days=1)


def reminder_send_personal_digests(*, now: dt.datetime | None = None) -> DeliveryStats:
    """Send ONE summary per person and channel listing their held (待汇总) notices, and mark them sent.

    Only rows held before the latest cutoff (17:30 Beijing) are taken, so running this every minute
    (the in-process loop) or twice (a redelivered beat message) sends each summary exactly once; rows
    are locked with SKIP LOCKED like the normal claim, so parallel runs split the people between them.
    """
    now = now or timezone.now()
    cutoff = personal_digest_cutoff(now)
    stats = DeliveryStats()
    tried: set[tuple[str, str]] = set()
    while True:
        with transaction.atomic():
            held = ReminderLog.objects.select_for_update(skip_locked=True).filter(
                status=ReminderLog.Status.HELD, created_at__lte=cutoff
            )
            for target, channel in tried:
                held = held.exclude(target=target, channel=channel)
            first = held.order_by("id").first()
            if first is None:
                return stats
            tried.add((first.target, first.channel))
            rows = list(
                held.filter(target=first.target, channel=first.channel)
                # OF self: PostgreSQL refuses FOR UPDATE on the nullable side of the task join.
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("task__measure__document", "task__department", "recipient")
                .order_by("id")[:BATCH_MAX]
            )
            stats.merge(_send_personal_digest(rows, now=now))


def _drop_stale(rows: Iterable[ReminderLog], *, now: dt.datetime) -> tuple[list[ReminderLog], DeliveryStats]:
    """Mark the rows that no longer apply skipped (with their reason); return the others and the counts."""
    stats = DeliveryStats()
    fresh: list[ReminderLog] = []
    for row in rows:
        reason = _stale_reason(row)
        if reason:
            stats.add(_mark(row, ReminderLog.Status.SKIPPED, now=now, error=reason))
        else:
            fresh.append(row)
    return fresh, stats


def _send_personal_digest(rows: list[ReminderLog], *, now: dt.datetime) -> DeliveryStats:
    fresh, stats = _drop_stale(rows, now=now)
    if not fresh:
        return stats
    head = fresh[0]
    titles = [render_message(row).title for row in fresh]
    day = timezone.localtime(now).date()
    message = channels.Message(
        head.pk, ReminderKind.PERSONAL_DIGEST, f"【通知汇总】{day} 共 {len(fresh)} 条通知",
        f"以下是您设置为每日汇总的 {len(fresh)} 条通知：\n" + _numbered(titles, unit="条"),
        {"log_ids": [r.pk for r in fresh], "task_ids": sorted({r.task_id for r in fresh if r.task_id})},
    )
    for row in fresh:
        row.attempts += 1
    try:
        with transaction.atomic():
            _send(head, message, kind=ReminderKind.PERSONAL_DIGEST)
    except Exception as exc:
        logger.warning("personal digest for %s via %s failed: %s", head.target, head.channel, exc)
        for row in fresh:
            status = ReminderLog.Status.FAILED if row.attempts >= MAX_ATTEMPTS else ReminderLog.Status.HELD
            stats.add("failed")
            _mark(row, status, now=now, error=str(exc))
        return stats
    for row in fresh:
        stats.add(_mark(row, ReminderLog.Status.SENT, now=now))
    return stats


# --- Messages ---


BATCH_TEXT: dict[str, tuple[str, str]] = {
    # kind: (title, first line of the body; {n} is the number of tasks)
    ReminderKind.ASSIGNED: ("【新任务交办】您有 {n} 项新任务", "您有 {n} 项新任务已交办，请及时签收："),
    ReminderKind.DUE_SOON: ("【临近截止】{n} 项任务临近完成时限", "以下 {n} 项任务临近完成时限，请按时办结："),
    ReminderKind.OVERDUE: ("【逾期催办】{n} 项任务已逾期", "以下 {n} 项任务已超过完成时限，请尽快办理："),
    ReminderKind.REPORT_DUE: ("【进展报送】{n} 项任务进展待报送", "以下 {n} 项任务本期进展尚未报送，请及时填报："),
    ReminderKind.ESCALATE_LEADER: ("【逾期升级】{n} 项任务已逾期", "贵部门以下 {n} 项任务已逾期，请督促承办人办理："),
    ReminderKind.ESCALATE_SUPERVISOR: ("【督查室督办】{n} 项任务逾期升级", "以下 {n} 项任务已逾期并升级至督查室："),
    ReminderKind.URGED: ("【催办】{n} 项任务被催办", "以下 {n} 项任务被催办，请抓紧办理："),
}


def _numbered(lines: list[str], *, unit: str = "项") -> str:
    shown = [f"{i}. {line}" for i, line in enumerate(lines[:BATCH_LINES], start=1)]
    if len(lines) > BATCH_LINES:
        shown.append(f"……等 {len(lines)} {unit}")
    return "\n".join(shown)


def render_batch(rows: list[ReminderLog]) -> channels.Message:
    """One message for several task reminders of one kind to one target ("您有 12 项新任务：1. …")."""
    head = rows[0]
    title, lead = BATCH_TEXT[head.kind]
    n = len(rows)
    events: dict[int, AuditEvent] = {}
    if head.kind in EVENT_KINDS:  # 催办: each line says who urged and what (one query for the batch)
        ids = [event_id_from(r.date_key) for r in rows]
        events = AuditEvent.objects.select_related("actor").in_bulk([i for i in ids if i is not None])
    lines = []
    for row in rows:
        task = row.task
        assert task is not None
        due = f"，完成时限 {task.deadline}" if task.deadline else ""
        period = f"，{row.date_key.split(':')[0]} 期" if row.kind == ReminderKind.REPORT_DUE else ""
        line = f"{task.measure.title}（{task.department.name}{due}{period}）"
        event = events.get(event_id_from(row.date_key) or 0)
        if event is not None:
            actor = event.actor.display_name if event.actor is not None else "系统"  # type: ignore[attr-defined]
            line += f"：{event.note}（{actor}）"
        lines.append(line)
    data = {"count": n, "task_ids": [r.task_id for r in rows], "log_ids": [r.pk for r in rows]}
    return channels.Message(head.pk, head.kind, title.format(n=n), lead.format(n=n) + "\n" + _numbered(lines), data)


def render_message(log: ReminderLog) -> channels.Message:
    """Title and body (Chinese) for one log row, from the task's current state (events: from the AuditEvent)."""
    today = local_now().date()
    data: dict[str, Any] = {"date_key": log.date_key, "task_id": log.task_id}
    if log.task is None:
        return _render_digest(log, today, data)
    task = log.task
    measure = task.measure
    department = task.department.name
    deadline = task.deadline
    data.update(department=department, deadline=str(deadline) if deadline else None,
                document=measure.document.title)
    subject = f"{measure.title}（{measure.document.title}）"
    if log.kind in EVENT_KINDS:
        return _render_event(log, task, subject, data)
    if log.kind == ReminderKind.ASSIGNED:
        due = f"，完成时限 {deadline}" if deadline else ""
        return channels.Message(log.pk, log.kind, f"【新任务交办】{measure.title}",
                                f"{department}：{subject} 已交办贵部门（{task.get_role_display()}）{due}，请及时签收。",
                                data)
    if log.kind == ReminderKind.DUE_SOON and deadline:
        left = working_days_after(today, deadline)
        when = "今日截止" if deadline <= today else f"还有 {left} 个工作日到期"
        return channels.Message(log.pk, log.kind, f"【临近截止】{measure.title}",
                                f"{department}：{subject}，完成时限 {deadline}，{when}。请按时办结并报送进展。", data)
    if log.kind == ReminderKind.REPORT_DUE:
        period = log.date_key.split(":")[0]
        return channels.Message(log.pk, log.kind, f"【进展报送】{period} 期进展待报送",
                                f"{department}：{subject} 尚未报送 {period} 期进展，请在报送截止日前填报。", data)
    late = working_days_after(deadline, today) if deadline else 0
    if log.kind == ReminderKind.OVERDUE:
        title = f"【逾期催办】{measure.title}"
        body = f"{department}：{subject} 已超过完成时限 {deadline}（逾期 {late} 个工作日），请尽快办理。"
    elif log.kind == ReminderKind.ESCALATE_LEADER:
        title = f"【逾期升级】{measure.title}"
        body = f"贵部门（{department}）任务 {subject} 已逾期 {late} 个工作日，请督促承办人办理。"
    else:
        title = f"【督查室督办】{measure.title}"
        body = f"{department} 的任务 {subject} 已逾期 {late} 个工作日，已升级至督查室。"
    return channels.Message(log.pk, log.kind, title, body, data)


def _render_event(log: ReminderLog, task: Task, subject: str, data: dict[str, Any]) -> channels.Message:
    """A workflow-event notice, from the AuditEvent named by the row's date key ("ev:<id>")."""
    event_id = event_id_from(log.date_key)
    event = AuditEvent.objects.select_related("actor").filter(pk=event_id).first() if event_id else None
    actor = event.actor.display_name if event is not None and event.actor is not None else "系统"  # type: ignore[attr-defined]
    note = (event.note if event is not None else "").strip()
    after = event.after if event is not None else {}
    department = task.department.name
    new_deadline = after.get("deadline") or after.get("requested_deadline") or (str(task.deadline or "") or None)
    data.update(event_id=event_id, actor=actor, note=note, new_deadline=new_deadline)
    said = f"说明：{note}" if note else ""
    kind = log.kind
    if kind == ReminderKind.RETURNED:
        body = f"{department}：{subject} 的办结申请被 {actor} 退回重办。理由：{note or '未填写'}。"
        body += f"完成时限仍为 {task.deadline}。" if task.deadline else ""
    elif kind == ReminderKind.APPROVED:
        body = f"{department}：{subject} 已由 {actor} 审核通过，任务办结。" + (f"审核意见：{note}" if note else "")
    elif kind == ReminderKind.EXTENSION_GRANTED:
        body = f"{department}：{subject} 的延期申请已由 {actor} 批准，新的完成时限为 {new_deadline}。"
        body += f"审批意见：{note}" if note else ""
    elif kind == ReminderKind.EXTENSION_REFUSED:
        body = f"{department}：{subject} 的延期申请未获 {actor} 批准，完成时限仍为 {task.deadline}。"
        body += f"审批意见：{note}" if note else ""
    elif kind == ReminderKind.REVIEW_WAITING and event is not None and event.action == "extension.create":
        late = "（已逾期后申请）" if after.get("was_overdue") else ""
        body = f"{department}（{actor}）对 {subject} 申请延期至 {new_deadline}{late}，请审批。理由：{note or '未填写'}"
    elif kind == ReminderKind.REVIEW_WAITING:
        body = f"{department}（{actor}）对 {subject} 申请办结，请审核。{said}"
    elif kind == ReminderKind.REASSIGNED:
        due = f"，完成时限 {task.deadline}" if task.deadline else ""
        body = f"{actor} 将 {subject} 改派至 {department}（{task.get_role_display()}）{due}，请及时签收。{said}"
    elif kind == ReminderKind.DECLINED:
        body = f"{department}（{actor}）退回任务 {subject}，认为非本单位职责，请改派。理由：{note or '未填写'}"
    elif kind == ReminderKind.HANDLER_ASSIGNED:
        due = f"，完成时限 {task.deadline}" if task.deadline else ""
        body = f"{department}：{actor} 指派您承办 {subject}{due}。{said}"
    elif kind == ReminderKind.URGED:
        message = note
        if not message and event is not None and event.object_type == "urge":
            message = Urge.objects.filter(pk=event.object_id).values_list("message", flat=True).first() or ""
        body = f"{actor} 催办：{department} 的任务 {subject}。{message}"
    elif kind == ReminderKind.DEADLINE_CHANGED:
        body = f"{department}：{subject} 的完成时限已由 {actor} 调整为 {new_deadline}。{said}"
    else:
        body = f"{department}：{subject}（{actor}）。{said}"
    title = f"【{ReminderKind(kind).label}】{task.measure.title}"
    return channels.Message(log.pk, kind, title, body.strip(), data)


def _render_digest(log: ReminderLog, today: dt.date, data: dict[str, Any]) -> channels.Message:
    soon = add_working_days(today, DIGEST_SOON_WORKING_DAYS)
    open_tasks = Task.objects.exclude(status__in=list(CLOSED_STATUSES))
    if log.kind == ReminderKind.DIGEST_LEADER and log.recipient is not None and log.recipient.department_id:
        open_tasks = open_tasks.filter(department_id=log.recipient.department_id)
        scope = log.recipient.department.name if log.recipient.department else "本部门"
    else:
        scope = "全市"
    agg = open_tasks.aggregate(
        overdue=Count("id", filter=overdue_q(today)),
        soon=Count("id", filter=Q(deadline__gte=today, deadline__lte=soon)),
        departments=Count("department_id", filter=overdue_q(today), distinct=True),
    )
    data.update(agg)
    body = f"{scope}：逾期任务 {agg['overdue']} 项"
    if log.kind == ReminderKind.DIGEST_SUPERVISOR:
        body += f"（涉及 {agg['departments']} 个部门）"
    body += f"，{DIGEST_SOON_WORKING_DAYS} 个工作日内到期 {agg['soon']} 项。"
    return channels.Message(log.pk, log.kind, f"【每日督办汇总】{today}", body, data)


# --- Reads for other apps ---


def escalation_state_for(task_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{task_id: {"level": "none|leader|supervisor", "last_reminded_at": datetime|None}} in one query."""
    ids = list(task_ids)
    state: dict[int, dict[str, Any]] = {i: {"level": "none", "last_reminded_at": None} for i in ids}
    if not ids:
        return state
    rows = (
        ReminderLog.objects.filter(task_id__in=ids)
        .exclude(status=ReminderLog.Status.SKIPPED)
        .order_by()
        .values("task_id")
        .annotate(
            leader=Count("id", filter=Q(kind=ReminderKind.ESCALATE_LEADER)),
            supervisor=Count("id", filter=Q(kind=ReminderKind.ESCALATE_SUPERVISOR)),
            last=Max("sent_at"),
        )
    )
    for row in rows:
        level = "supervisor" if row["supervisor"] else "leader" if row["leader"] else "none"
        state[row["task_id"]] = {"level": level, "last_reminded_at": row["last"]}
    return state


# --- Notifications ---


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread when `notification_ids` is None); returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=notification_ids)
    return qs.update(read_at=timezone.now())


# --- Date keys of workflow-event rows (written by reminders.events, read back when delivering) ---


def event_date_key(event_id: int) -> str:
    return f"ev:{event_id}"


def event_id_from(date_key: str) -> int | None:
    """The AuditEvent id of an event row's date key ("ev:123" → 123), else None."""
    if not date_key.startswith("ev:"):
        return None
    try:
        return int(date_key[3:])
    except ValueError:
        return None


# --- Enqueueing (never lets a broker outage break the caller) ---


def broker_available() -> bool:
    """False in the embedded mode (no REDIS_URL): the in-process loop sweeps instead of Celery."""
    return bool(getattr(settings, "REDIS_URL", ""))


# The jobs are sent by name, not imported: reminders.jobs imports this module, so the dependency points one way
# (jobs → services). The names are the ones in reminders/jobs.py's @shared_task(name=...).
SWEEP_JOB = "reminders.sweep"
DELIVER_PENDING_JOB = "reminders.deliver_pending"


def safe_enqueue(job_name: str, *args: Any, **kwargs: Any) -> bool:
    """send_task that logs and swallows broker errors: the next sweep catches up with anything lost."""
    if not broker_available():
        return False
    try:
        current_app.send_task(job_name, args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.warning("could not enqueue %s; the next reminder sweep will catch up", job_name, exc_info=True)
        return False
    return True


def enqueue_sweep() -> bool:
    """Ask a worker to sweep now (after a rule change)."""
    return safe_enqueue(SWEEP_JOB)


def enqueue_delivery(fanout: int | None = None) -> int:
    """Start `fanout` parallel delivery jobs; SKIP LOCKED splits the pending rows between them."""
    fanout = fanout or int(getattr(settings, "REMINDERS_DELIVERY_FANOUT", 2))
    return sum(safe_enqueue(DELIVER_PENDING_JOB) for _ in range(fanout))
