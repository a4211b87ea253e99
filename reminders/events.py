"""Workflow-event notices: written in the transaction that makes the change, delivered after commit.

`record_event(event=…, kind=…, user_ids=[…])` (called through tasks.services.notify.notify_event)
inserts one ReminderLog row per person and channel — and per group webhook for the kinds a
department's group chat should see — with `date_key = "ev:<AuditEvent id>"`, so the unique
constraint makes every notice exactly-once. The rows are delivered like sweep rows
(reminders.services); `render_message` reads the AuditEvent back for the text.

Who gets a row: the listed users, minus the actor, inactive users and people who muted the kind
(通知设置). 站内通知 is always written; e-mail when the person has an address, wants e-mail and the
rule allows it. People who chose 每日汇总 get their rows held for the daily summary. In-app rows are due
at once; e-mail and webhooks wait for the end of the rule's quiet hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import Channel, ChannelConfig, ReminderKind, ReminderLog
from .preferences import DEFAULT_PREF, preferences_for
from .schedule import next_allowed
from .services import enqueue_delivery, event_date_key, rule_book

# Events the department's group robots hear about (the reviewers' and 督查室's own notices stay personal).
HOOK_EVENT_KINDS = frozenset(
    {
        ReminderKind.RETURNED,
        ReminderKind.APPROVED,
        ReminderKind.EXTENSION_GRANTED,
        ReminderKind.EXTENSION_REFUSED,
        ReminderKind.REASSIGNED,
        ReminderKind.HANDLER_ASSIGNED,
        ReminderKind.URGED,
        ReminderKind.DEADLINE_CHANGED,
    }
)
REASSIGN_REPLACES_NOTICE = "已由改派通知代替"


def record_event(*, event: Any, kind: str, user_ids: Iterable[int]) -> int:
    """Insert the notice rows for one event (inside the caller's transaction); returns how many were new.

    Delivery is enqueued after commit (a no-op without a broker: the in-process loop delivers).
    """
    task = event.task
    if task is None:
        return 0
    actor_id = event.actor_id
    wanted = [i for i in dict.fromkeys(user_ids) if i is not None and i != actor_id]
    users = {u["id"]: u["email"] for u in User.objects.filter(pk__in=wanted, is_active=True).values("id", "email")}
    prefs = preferences_for(users)
    rule = rule_book().for_document(task.measure.document_id)
    now = timezone.now()
    later = next_allowed(timezone.localtime(now), rule.quiet_hours_start, rule.quiet_hours_end)
    date_key = event_date_key(event.pk)
    rows: list[ReminderLog] = []
    for user_id in wanted:
        if user_id not in users:
            continue
        pref = prefs.get(user_id, DEFAULT_PREF)
        status = pref.status_for(kind)
        for channel in pref.person_channels(kind, has_email=bool(users[user_id]), allowed=rule.channels):
            rows.append(
                ReminderLog(
                    task=task,
                    recipient_id=user_id,
                    target=f"u:{user_id}",
                    kind=kind,
                    channel=channel,
                    date_key=date_key,
                    status=status,
                    not_before=now if channel == Channel.INAPP else later,
                )
            )
    if kind in HOOK_EVENT_KINDS:
        hooks = ChannelConfig.objects.filter(active=True, kind__in=sorted(rule.channels)).filter(
            department__isnull=True
        ) | ChannelConfig.objects.filter(active=True, kind__in=sorted(rule.channels), department_id=task.department_id)
        for hook_id, hook_kind in hooks.order_by("id").values_list("id", "kind"):
            rows.append(
                ReminderLog(
                    task=task,
                    webhook_id=hook_id,
                    target=f"w:{hook_id}",
                    kind=kind,
                    channel=hook_kind,
                    date_key=date_key,
                    not_before=later,
                )
            )
    if kind == ReminderKind.REASSIGNED:
        rows.extend(_assigned_notice_markers(task, [r for r in rows if r.channel == Channel.INAPP or r.webhook_id]))
    before = ReminderLog.objects.filter(task=task, date_key=date_key).count()
    ReminderLog.objects.bulk_create(rows, ignore_conflicts=True)
    created = ReminderLog.objects.filter(task=task, date_key=date_key).count() - before
    if any(r.status == ReminderLog.Status.PENDING for r in rows):
        transaction.on_commit(lambda: enqueue_delivery(fanout=1))
    return created


def _assigned_notice_markers(task: Any, rows: list[ReminderLog]) -> list[ReminderLog]:
    """改派 tells the new department with a REASSIGNED notice; these skipped 交办 rows for the same
    department tell the sweep its 交办 notice is already covered, so nobody hears about it twice."""
    return [
        ReminderLog(
            task=task,
            recipient_id=r.recipient_id,
            webhook_id=r.webhook_id,
            target=r.target,
            kind=ReminderKind.ASSIGNED,
            channel=r.channel,
            date_key=f"dept-{task.department_id}",
            status=ReminderLog.Status.SKIPPED,
            last_error=REASSIGN_REPLACES_NOTICE,
            not_before=r.not_before,
        )
        for r in rows
    ]
